import inspect
import typing
from datetime import datetime, time

from thermostat import ScheduleEntry, Thermostat


def test_every_parameter_and_the_return_value_are_annotated():
    signature = inspect.signature(Thermostat.set_target)
    missing = [
        name
        for name, parameter in signature.parameters.items()
        if name != "self" and parameter.annotation is inspect.Parameter.empty
    ]
    assert missing == []
    assert signature.return_annotation is not inspect.Signature.empty
    hints = typing.get_type_hints(Thermostat.set_target)
    assert {"celsius", "hold", "until", "return"} <= set(hints)


def test_behaviour_is_unchanged():
    thermostat = Thermostat("office")
    thermostat.schedule.append(ScheduleEntry(0, time(7, 0), 21.5))
    monday_8 = datetime(2024, 6, 3, 8, 0)
    assert thermostat.set_target(40) == 30.0
    assert thermostat.set_target(18.5, hold=True, until=datetime(2024, 6, 3, 9, 0)) == 18.5
    assert thermostat.tick(monday_8) == 18.5
    assert thermostat.tick(datetime(2024, 6, 3, 9, 30)) == 21.5
    assert thermostat.set_target(2, until=monday_8) == 5.0
    assert thermostat.hold_until is None
