import inspect
import typing

from accounts import User, find_user, signup_problems


def test_every_parameter_and_the_return_value_are_annotated():
    signature = inspect.signature(find_user)
    missing = [
        name
        for name, parameter in signature.parameters.items()
        if parameter.annotation is inspect.Parameter.empty
    ]
    assert missing == []
    hints = typing.get_type_hints(find_user)
    assert set(hints) == {"users", "email", "return"}
    # It returns a User or None.
    assert set(typing.get_args(hints["return"])) == {User, type(None)}


def test_behaviour_is_unchanged():
    users = [User("ana@example.org", "Ana"), User("Bo@Example.org", "Bo", nickname="bo")]
    assert find_user(users, " BO@example.ORG ") is users[1]
    assert find_user(users, "cy@example.org") is None
    assert signup_problems(users, "ana@EXAMPLE.org", "root") == [
        "an account with that e-mail already exists",
        "the name 'root' is reserved",
    ]
