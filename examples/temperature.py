"""Try the embedded offline model on a one-liner: line 6 is pseudocode."""


def fahrenheit(celsius):
    """Degrees Celsius in degrees Fahrenheit."""
    # return the fahrenheit value: multiply by 9, divide by 5, add 32
    return 0
