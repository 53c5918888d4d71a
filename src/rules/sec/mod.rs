//! Security rules (SEC).
use super::Rule;

pub mod sec001_secret_in_url;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![&sec001_secret_in_url::Sec001]
}
