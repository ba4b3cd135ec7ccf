#[path = "lib.rs"]
mod lib;
use lib::*;

#[test]
fn targets_outside_the_range_are_clamped() {
    let mut thermostat = Thermostat::new(Mode::Heat);
    assert_eq!(thermostat.set_target(42.0), 30.0);
    assert_eq!(thermostat.set_target(-3.0), 5.0);
    assert_eq!(thermostat.target(), 5.0);
}

#[test]
fn targets_are_rounded_to_half_degrees() {
    let mut thermostat = Thermostat::new(Mode::Heat);
    assert_eq!(thermostat.set_target(21.3), 21.5);
    assert_eq!(thermostat.set_target(21.2), 21.0);
    assert_eq!(thermostat.set_target(19.0), 19.0);
}

#[test]
fn heating_follows_the_clamped_target() {
    let mut thermostat = Thermostat::new(Mode::Heat);
    thermostat.set_target(35.0);
    assert_eq!(thermostat.action(29.0), Action::Heating);
    assert_eq!(thermostat.action(29.8), Action::Idle);
    thermostat.set_mode(Mode::Off);
    assert_eq!(thermostat.action(10.0), Action::Idle);
}
