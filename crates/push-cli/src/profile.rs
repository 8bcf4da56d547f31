//! Profiles: named settings in a config file, so that no workflow needs a token on the command
//! line (`gh`'s and stripe-cli's config, for Push).
//!
//! ```toml
//! # ~/.config/push/config.toml  ($XDG_CONFIG_HOME/push/config.toml; PUSH_CONFIG to move it)
//! default_profile = "sandbox"
//!
//! [profiles.sandbox]
//! environment = "sandbox"                 # or base_url = "http://127.0.0.1:4010"
//! token_file = "~/.config/push/sandbox.token"
//!
//! [profiles.production]
//! environment = "production"
//! token_command = "pass show push/production"
//! ```
//!
//! Precedence, highest first: the command line, the environment (`PUSH_API_TOKEN`,
//! `PUSH_BASE_URL`, ...), the profile (`--profile`, else `PUSH_PROFILE`, else
//! `default_profile`).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
};

use serde::Deserialize;

use crate::{Failure, terminal_safe};

/// The config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One profile: where to send, and where the token comes from (never the token itself).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    /// `sandbox` or `production`.
    pub(crate) environment: Option<String>,
    /// A base URL (https, or http to loopback).
    pub(crate) base_url: Option<String>,
    /// The tokens host, when it is not the environment's.
    pub(crate) tokens_base_url: Option<String>,
    /// A file whose first line is the token (`~/` is the home directory).
    token_file: Option<String>,
    /// A command whose standard output is the token (run with `sh -c`).
    token_command: Option<String>,
    /// The token itself, as stripe-cli keeps its keys (`api_token` is read as well): prefer
    /// `token_file` or `token_command`, and keep the file readable by you alone.
    #[serde(alias = "api_token")]
    token: Option<Secret>,
}

/// A token read from the file: never shown by `Debug`.
#[derive(Deserialize)]
#[serde(transparent)]
pub(crate) struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("****")
    }
}

/// Where the config file is: PUSH_CONFIG, else $XDG_CONFIG_HOME/push/config.toml, else
/// ~/.config/push/config.toml.
fn path(lookup: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = lookup("PUSH_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let base = lookup("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| lookup("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(base.join("push").join("config.toml"))
}

/// The profile chosen by `--profile`, PUSH_PROFILE or the file's `default_profile`, if any.
/// A profile asked for by name that the file lacks is a usage error; no file and no name is
/// no profile.
pub(crate) fn load(
    named: Option<&str>,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<(String, Profile)>, Failure> {
    let named = named
        .map(str::to_owned)
        .or_else(|| lookup("PUSH_PROFILE").filter(|p| !p.is_empty()));
    let Some(path) = path(&lookup) else {
        return match named {
            Some(name) => Err(Failure::Usage(format!(
                "profile `{}`: no config file (set HOME, XDG_CONFIG_HOME or PUSH_CONFIG)",
                terminal_safe(&name)
            ))),
            None => Ok(None),
        };
    };
    let shown = terminal_safe(&path.display().to_string());
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && named.is_none() => {
            return Ok(None);
        }
        Err(err) => return Err(Failure::Usage(format!("{shown}: {err}"))),
    };
    let mut file: File = toml::from_str(&text)
        .map_err(|err| Failure::Usage(format!("{shown}: {}", terminal_safe(err.message()))))?;
    let Some(name) = named.or(file.default_profile.take()) else {
        return Ok(None);
    };
    match file.profiles.remove(&name) {
        Some(profile) => Ok(Some((name, profile))),
        None => Err(Failure::Usage(format!(
            "{shown} has no [profiles.{}] (it has: {})",
            terminal_safe(&name),
            if file.profiles.is_empty() {
                "none".to_owned()
            } else {
                file.profiles
                    .keys()
                    .map(|k| terminal_safe(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ))),
    }
}

impl Profile {
    /// The token from `token_file` or `token_command`, if the profile names one. Errors say
    /// which profile and which source, never the token.
    pub(crate) fn token(
        &self,
        name: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, Failure> {
        let name = terminal_safe(name);
        let sources = [
            self.token_file.is_some(),
            self.token_command.is_some(),
            self.token.is_some(),
        ];
        if sources.iter().filter(|given| **given).count() > 1 {
            return Err(Failure::Usage(format!(
                "profile `{name}`: token, token_file and token_command exclude each other"
            )));
        }
        if let Some(Secret(token)) = &self.token {
            return Ok(Some(token.trim().to_owned()));
        }
        if let Some(file) = &self.token_file {
            let path = match file.strip_prefix("~/") {
                Some(rest) => match lookup("HOME") {
                    Some(home) => Path::new(&home).join(rest),
                    None => PathBuf::from(file),
                },
                None => PathBuf::from(file),
            };
            let text = std::fs::read_to_string(&path).map_err(|err| {
                Failure::Usage(format!(
                    "profile `{name}`: token_file {}: {err}",
                    terminal_safe(&path.display().to_string())
                ))
            })?;
            let token = text.lines().next().unwrap_or_default().trim().to_owned();
            if token.is_empty() {
                return Err(Failure::Usage(format!(
                    "profile `{name}`: token_file is empty"
                )));
            }
            return Ok(Some(token));
        }
        if let Some(command) = &self.token_command {
            let output = Command::new("sh")
                .args(["-c", command])
                .stderr(std::process::Stdio::inherit())
                .output()
                .map_err(|err| {
                    Failure::Usage(format!(
                        "profile `{name}`: token_command could not run: {err}"
                    ))
                })?;
            if !output.status.success() {
                return Err(Failure::Usage(format!(
                    "profile `{name}`: token_command failed ({})",
                    output.status
                )));
            }
            let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            if token.is_empty() {
                return Err(Failure::Usage(format!(
                    "profile `{name}`: token_command printed nothing"
                )));
            }
            return Ok(Some(token));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn message(failure: Failure) -> String {
        match failure {
            Failure::Usage(message) => message,
            _ => panic!("not a usage error"),
        }
    }

    #[test]
    fn profiles_are_chosen_by_flag_variable_or_default_and_their_tokens_read() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        let token_file = dir.path().join("sandbox.token");
        std::fs::write(&token_file, "sk_test_from_file\n").unwrap();
        std::fs::write(
            &config,
            format!(
                "default_profile = \"sandbox\"\n\
                 [profiles.sandbox]\nbase_url = \"http://127.0.0.1:4010\"\ntoken_file = {:?}\n\
                 [profiles.ci]\nenvironment = \"sandbox\"\ntoken_command = \"echo sk_test_from_command\"\n\
                 [profiles.broken]\ntoken_command = \"exit 3\"\n\
                 [profiles.literal]\napi_token = \"sk_test_in_the_file\"\n\
                 [profiles.both]\ntoken = \"a\"\ntoken_command = \"echo b\"\n",
                token_file.display().to_string()
            ),
        )
        .unwrap();
        let vars = |extra: &[(&str, &str)]| {
            let mut vars = vec![("PUSH_CONFIG", config.display().to_string())];
            vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
            lookup(&vars)
        };

        let (name, profile) = load(None, vars(&[])).unwrap().unwrap();
        assert_eq!(name, "sandbox", "default_profile");
        assert_eq!(profile.base_url.as_deref(), Some("http://127.0.0.1:4010"));
        assert_eq!(
            profile.token(&name, vars(&[])).unwrap().as_deref(),
            Some("sk_test_from_file")
        );
        let (name, profile) = load(None, vars(&[("PUSH_PROFILE", "ci")]))
            .unwrap()
            .unwrap();
        assert_eq!(
            profile.token(&name, vars(&[])).unwrap().as_deref(),
            Some("sk_test_from_command")
        );
        let (name, _) = load(Some("sandbox"), vars(&[("PUSH_PROFILE", "ci")]))
            .unwrap()
            .unwrap();
        assert_eq!(name, "sandbox", "--profile wins over PUSH_PROFILE");
        let (name, broken) = load(Some("broken"), vars(&[])).unwrap().unwrap();
        let err = message(broken.token(&name, vars(&[])).unwrap_err());
        assert!(
            err.contains("profile `broken`: token_command failed"),
            "{err}"
        );

        let (name, literal) = load(Some("literal"), vars(&[])).unwrap().unwrap();
        assert!(!format!("{literal:?}").contains("sk_test_in_the_file"));
        assert_eq!(
            literal.token(&name, vars(&[])).unwrap().as_deref(),
            Some("sk_test_in_the_file")
        );
        let (name, both) = load(Some("both"), vars(&[])).unwrap().unwrap();
        let err = message(both.token(&name, vars(&[])).unwrap_err());
        assert!(err.contains("exclude each other"), "{err}");

        let err = message(load(Some("staging"), vars(&[])).unwrap_err());
        assert!(err.contains("no [profiles.staging]"), "{err}");
        assert!(err.contains("both, broken, ci, literal, sandbox"), "{err}");
    }

    #[test]
    fn no_file_is_no_profile_unless_one_is_named_and_bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.toml");
        let vars = lookup(&[("PUSH_CONFIG", missing.display().to_string())]);
        assert!(load(None, &vars).unwrap().is_none());
        let err = message(load(Some("sandbox"), &vars).unwrap_err());
        assert!(err.contains("missing.toml"), "{err}");

        let bad = dir.path().join("bad.toml");
        std::fs::write(
            &bad,
            "[profiles.sandbox]\nsecret_key = \"sk_live_never_here\"\n",
        )
        .unwrap();
        let err =
            message(load(None, lookup(&[("PUSH_CONFIG", bad.display().to_string())])).unwrap_err());
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains("secret_key"), "an unknown key is named: {err}");
        assert!(!err.contains("sk_live_never_here"), "{err}");
    }

    #[test]
    fn the_file_is_found_under_xdg_config_home_or_home() {
        assert_eq!(
            path(&lookup(&[
                ("XDG_CONFIG_HOME", "/x".to_owned()),
                ("HOME", "/h".to_owned())
            ])),
            Some(PathBuf::from("/x/push/config.toml"))
        );
        assert_eq!(
            path(&lookup(&[("HOME", "/h".to_owned())])),
            Some(PathBuf::from("/h/.config/push/config.toml"))
        );
        assert_eq!(path(&lookup(&[])), None);
    }
}
