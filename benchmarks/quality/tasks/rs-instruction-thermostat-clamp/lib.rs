//! Control logic for a smart thermostat: target temperature, mode and schedule.

pub const MIN_TEMP: f64 = 5.0;
pub const MAX_TEMP: f64 = 30.0;
pub const HYSTERESIS: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Off,
    Heat,
    Cool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Idle,
    Heating,
    Cooling,
}

pub struct Thermostat {
    target: f64,
    mode: Mode,
}

impl Thermostat {
    pub fn new(mode: Mode) -> Self {
        Thermostat { target: 20.0, mode }
    }

    pub fn target(&self) -> f64 {
        self.target
    }

    pub fn set_target(&mut self, celsius: f64) -> f64 {
        // ai! clamp the new target to MIN_TEMP..=MAX_TEMP and round it to the nearest half degree
        self.target = celsius;
        self.target
    }

    pub fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
    }

    pub fn action(&self, room: f64) -> Action {
        match self.mode {
            Mode::Heat if room < self.target - HYSTERESIS => Action::Heating,
            Mode::Cool if room > self.target + HYSTERESIS => Action::Cooling,
            _ => Action::Idle,
        }
    }
}
