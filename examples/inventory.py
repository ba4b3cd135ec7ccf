"""A small module to try blitzls on: the comments in total_price are pseudocode."""


def total_price(items):
    """Sum price times quantity over all items (dicts with "price" and "qty")."""
    # start a running total at zero
    # for each item add its price times its quantity
    # skip items whose quantity is negative
    return total


if __name__ == "__main__":
    print(total_price([{"price": 2.5, "qty": 4}, {"price": 1, "qty": -1}]))
