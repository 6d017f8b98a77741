//! `ecsctx`: the command line for the people who operate keysets and read logs.
//!
//! - `keyset new --alg hmac|aes`, `keyset rotate FILE`, `keyset check FILE`: keyset files
//!   (a new primary on rotation, the old keys kept; the library's validation and messages).
//! - `template --target elasticsearch|opensearch`: the generated index template for the
//!   `logs-*-*` data streams (`ecsctx/deploy`).
//! - `tokenize --type T [VALUE|-]`: the token ecsctx writes for a value, to search the logs
//!   by it (one token per input line with `-` or no value).
//! - `check [FILE|-]`: what each JSON line would do wrong in Elasticsearch (not JSON, the
//!   header order, ECS types, flat values on field sets, colliding paths, plaintext PII);
//!   exit 1 on any finding, so it gates CI on any service's log output.
//! - `pretty [FILE|-] [--full] [--level L] [--grep KEY=VALUE]…`: the development console
//!   format (`ECSCTX_FORMAT=pretty`) for JSON lines piped from any ECS service.
//! - `protect --type T [VALUE|-]` and `reveal --type T --reason WHY [VALUE|-]`: for
//!   authorised tools (`PII_ACCESS=full`); `reveal` writes an ECS audit line on stderr
//!   (who, why, the key id and the field type, never the value).
//!
//! The keysets come from the same `PII_*` variables as the library. Exit codes: 0 done,
//! 1 a failure (no keyset, a value that cannot be revealed), 2 a usage error.

#![forbid(unsafe_code)]

mod check;
mod keyset;

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use std::sync::Arc;

use ecsctx::pii::{Pii, PiiMasker};

const ELASTICSEARCH: &str = include_str!("../../../deploy/elasticsearch/index-template.json");
const OPENSEARCH: &str = include_str!("../../../deploy/opensearch/index-template.json");

#[derive(Parser)]
#[command(
    name = "ecsctx",
    version,
    about = "ECS logs and their PII tokens, from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create, rotate or check a keyset file.
    Keyset {
        #[command(subcommand)]
        command: KeysetCommand,
    },
    /// Print the index template for the logs-*-* data streams.
    Template {
        /// The search engine it is for.
        #[arg(long, value_enum)]
        target: Target,
    },
    /// Print the token ecsctx writes for a value (reads PII_* like the library).
    Tokenize {
        #[command(flatten)]
        input: Input,
    },
    /// Report what each JSON line would do wrong in Elasticsearch or OpenSearch (exit 1 on any finding).
    Check {
        /// A file of JSON lines; `-` or none reads stdin.
        file: Option<String>,
    },
    /// Show JSON lines as the development console does (ECSCTX_FORMAT=pretty).
    Pretty {
        /// A file of JSON lines; `-` or none reads stdin.
        file: Option<String>,
        /// Every field on every line.
        #[arg(long)]
        full: bool,
        /// Only lines at this level or above (trace, debug, info, warn, error, critical).
        #[arg(long, value_parser = level_rank)]
        level: Option<u8>,
        /// Only lines where this field has this value (`trace.id=4bf9…`); repeatable.
        #[arg(long = "grep", value_parser = field_value)]
        grep: Vec<(String, String)>,
        /// Colours: auto (when stdout is a terminal), always, never.
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
    },
    /// Print the ciphertext of a value (needs PII_ACCESS=full and a reveal keyset).
    Protect {
        #[command(flatten)]
        input: Input,
    },
    /// Print the value of a ciphertext, and an audit line on stderr (needs PII_ACCESS=full).
    Reveal {
        /// Why it is revealed (a ticket, a case): written to the audit line.
        #[arg(long, value_parser = non_empty)]
        reason: String,
        /// Append the audit lines to this file (JSON lines) instead of stderr.
        #[arg(long, value_name = "FILE")]
        audit_log: Option<std::path::PathBuf>,
        #[command(flatten)]
        input: Input,
    },
}

#[derive(Subcommand)]
enum KeysetCommand {
    /// Print a new keyset of one random key.
    New {
        /// hmac: a token keyset; aes: a reveal keyset.
        #[arg(long, value_enum)]
        alg: keyset::Alg,
        /// The key id (default: `tk-`/`rk-`, today's date, a number).
        #[arg(long)]
        kid: Option<String>,
    },
    /// Add a new primary key to a keyset file (the old keys are kept), in place.
    Rotate {
        /// The keyset file.
        file: std::path::PathBuf,
        /// The new key id (default: `tk-`/`rk-`, today's date, a number).
        #[arg(long)]
        kid: Option<String>,
    },
    /// Validate a keyset file as the library does.
    Check {
        /// The keyset file.
        file: std::path::PathBuf,
    },
}

#[derive(clap::Args)]
struct Input {
    /// The field type the value was tokenized as: email, phone, name, generic, secret …
    #[arg(long = "type", default_value = "generic", value_parser = field_type)]
    field_type: String,
    /// The value; `-` or none reads one value per line from stdin.
    value: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// The rank of a level name (`warning` and `fatal` as their ECS spellings' equals).
fn level_rank(s: &str) -> Result<u8, String> {
    match s.to_ascii_lowercase().as_str() {
        "trace" => Ok(0),
        "debug" => Ok(1),
        "info" => Ok(2),
        "warn" | "warning" => Ok(3),
        "error" => Ok(4),
        "critical" | "fatal" => Ok(5),
        _ => Err("one of trace, debug, info, warn, error, critical".into()),
    }
}

fn field_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| "KEY=VALUE (a dotted field, `=`, its value)".into())
}

#[derive(Clone, Copy, ValueEnum)]
enum Target {
    Elasticsearch,
    Opensearch,
}

fn non_empty(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(s.to_owned())
    }
}

fn field_type(s: &str) -> Result<String, String> {
    if !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase() || c == b'_') {
        Ok(s.to_owned())
    } else {
        Err("a field type is lower-case letters and `_` (email, phone, name, generic …)".into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "ecsctx: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    let mut out = io::stdout().lock();
    match command {
        Command::Keyset { command } => {
            let line = match command {
                KeysetCommand::New { alg, kid } => keyset::new(alg, kid.as_deref())?,
                KeysetCommand::Rotate { file, kid } => {
                    let kid = keyset::rotate(&file, kid.as_deref())?;
                    format!(
                        "{}: new primary key '{kid}' (older keys kept)\n",
                        file.display()
                    )
                }
                KeysetCommand::Check { file } => format!("{}\n", keyset::check(&file)?),
            };
            out.write_all(line.as_bytes()).map_err(|e| e.to_string())
        }
        Command::Template { target } => {
            let t = match target {
                Target::Elasticsearch => ELASTICSEARCH,
                Target::Opensearch => OPENSEARCH,
            };
            out.write_all(t.as_bytes()).map_err(|e| e.to_string())
        }
        Command::Check { file } => check(file.as_deref(), &mut out),
        Command::Pretty {
            file,
            full,
            level,
            grep,
            color,
        } => {
            use std::io::IsTerminal;
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => io::stdout().is_terminal(),
            };
            let text = read(file.as_deref())?;
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                if !shown(line, level, &grep) {
                    continue;
                }
                out.write_all(ecsctx::pretty_line(line, full, color).as_bytes())
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        }
        Command::Tokenize { input } => {
            let pii = pii()?;
            each(&input, &mut out, |v| {
                pii.tokenize(v, &input.field_type)
                    .map_err(|e| e.to_string())
            })
        }
        Command::Protect { input } => {
            let pii = pii()?;
            each(&input, &mut out, |v| {
                pii.protect(v, &input.field_type).map_err(|e| e.to_string())
            })
        }
        Command::Reveal {
            reason,
            audit_log,
            input,
        } => {
            let pii = pii()?;
            audit_logger(&pii, audit_log.as_deref())?;
            let done = each(&input, &mut out, |v| {
                let revealed = pii.reveal(v, &input.field_type);
                audit(v, &input.field_type, &reason, revealed.is_ok());
                revealed.map_err(|e| e.to_string())
            });
            ecsctx::flush();
            done
        }
    }
}

/// A file's text, or stdin's for `-` or none.
fn read(file: Option<&str>) -> Result<String, String> {
    match file {
        Some(f) if f != "-" => std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}")),
        _ => io::read_to_string(io::stdin()).map_err(|e| e.to_string()),
    }
}

/// Whether a line passes `--level` and every `--grep` (a line that is not JSON passes
/// only when there is no filter).
fn shown(line: &str, level: Option<u8>, grep: &[(String, String)]) -> bool {
    if level.is_none() && grep.is_empty() {
        return true;
    }
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(line) else {
        return false;
    };
    if let Some(min) = level {
        let at = field(&doc, "log.level").and_then(|v| level_rank(&text_of(v)).ok());
        if !at.is_some_and(|r| r >= min) {
            return false;
        }
    }
    grep.iter()
        .all(|(k, v)| field(&doc, k).is_some_and(|f| text_of(f) == *v))
}

/// The value at a dotted path, whether the line nests it or writes the dotted key.
fn field<'a>(doc: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    if let Some(v) = doc.get(path) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    // The longest dotted prefix first is not needed: ECS lines dot only the header.
    field(doc.get(head)?, rest)
}

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Prints each line's findings (`line N: …`) and a summary; an error when any was found.
fn check(file: Option<&str>, out: &mut impl Write) -> Result<(), String> {
    let text = read(file)?;
    let schema = check::Schema::from_template(OPENSEARCH);
    let masker = PiiMasker::new();
    let (mut lines, mut bad, mut findings) = (0, 0, 0);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        let f = check::check_line(line, &schema, &masker);
        if !f.is_empty() {
            bad += 1;
            findings += f.len();
        }
        for finding in f {
            writeln!(out, "line {}: {finding}", i + 1).map_err(|e| e.to_string())?;
        }
    }
    writeln!(
        out,
        "{lines} lines checked: {bad} with findings ({findings} in all)"
    )
    .map_err(|e| e.to_string())?;
    if bad > 0 {
        Err(format!("{bad} of {lines} lines would not index as written"))
    } else {
        Ok(())
    }
}

/// The keysets of the `PII_*` variables.
fn pii() -> Result<Pii, String> {
    match Pii::from_env() {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(
            "no keyset configured: set PII_TOKEN_KEYSET_PATH (and PII_ENV), or PII_PROVIDER=vault"
                .into(),
        ),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs `f` on the value given, or on each line of stdin, printing each result.
fn each(
    input: &Input,
    out: &mut impl Write,
    mut f: impl FnMut(&str) -> Result<String, String>,
) -> Result<(), String> {
    let mut one = |v: &str| -> Result<(), String> {
        let r = f(v)?;
        writeln!(out, "{r}").map_err(|e| e.to_string())
    };
    match input.value.as_deref() {
        Some(v) if v != "-" => one(v),
        _ => {
            for line in io::stdin().lock().lines() {
                let line = line.map_err(|e| e.to_string())?;
                let v = line.trim_end_matches('\r');
                if !v.is_empty() {
                    one(v)?;
                }
            }
            Ok(())
        }
    }
}

/// The audit lines go to stderr or the `--audit-log` file (appended), as ECS lines masked
/// with the same keysets (the user who revealed is a token an auditor can match; the value
/// is never written).
fn audit_logger(pii: &Pii, file: Option<&std::path::Path>) -> Result<(), String> {
    let builder = match file {
        Some(f) => ecsctx::Builder::new().with_sink(
            ecsctx::sink::file(f).map_err(|e| format!("audit log {}: {e}", f.display()))?,
        ),
        None => ecsctx::Builder::new().with_sink(ecsctx::sink::Stderr),
    };
    builder
        .with_filter("info")
        .with_service_name("ecsctx-cli")
        .with_service_version(env!("CARGO_PKG_VERSION"))
        // The data stream the audit lines go to: the operator's project, else its own.
        .with_project_name(&std::env::var("PROJECT_NAME").unwrap_or_else(|_| "pii-audit".into()))
        .with_masker(Some(Arc::new(PiiMasker::new().with_pii(pii.clone()))))
        .init();
    Ok(())
}

/// One audit line per reveal: who (the OS user), why, the key id, the field type.
fn audit(ciphertext: &str, field_type: &str, reason: &str, ok: bool) {
    let kid = ciphertext
        .strip_prefix("penc:v1:")
        .and_then(|rest| rest.split(':').next())
        .filter(|k| !k.is_empty() && k.len() <= 64)
        .unwrap_or("unknown");
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let outcome = if ok {
        ecsctx::ecs::Outcome::Success
    } else {
        ecsctx::ecs::Outcome::Failure
    };
    ecsctx::event!(
        warn,
        "pii_revealed",
        event.action = "pii_revealed",
        event.kind = "event",
        event.outcome = outcome,
        event.reason = reason,
        user.name = who.as_str(),
        labels.pii_kid = kid,
        labels.pii_field_type = field_type,
    );
}
