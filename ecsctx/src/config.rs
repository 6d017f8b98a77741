//! Configuration: the [`Builder`], [`init`]/[`try_init`], and the environment.
//!
//! | variable | effect | default |
//! |---|---|---|
//! | `RUST_LOG` | level directives, `info,hyper=warn,shop::checkout=debug` | `info` |
//! | `SERVICE_TYPE`, else `OTEL_SERVICE_NAME`, else `SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES` | `service.name` | `app` |
//! | `APP_VERSION`, else `service.version` in `OTEL_RESOURCE_ATTRIBUTES` | `service.version` | `0.0.0` |
//! | `PROJECT_NAME` | `project.name` (warned once when unset) | `unknown` |
//! | `ENVIRONMENT`, else `deployment.environment.name` (or the older `deployment.environment`) in `OTEL_RESOURCE_ATTRIBUTES` | `service.environment` | unset |
//! | `ECSCTX_ROOT_FIELDS` | comma list of extra keys kept at the root | none |
//! | `ECSCTX_FORMAT` | `json` or `pretty` | `json` |
//! | `ECSCTX_PRETTY` | `full`: the pretty line with every field (default: the event's fields, then what changed in the context) | compact |
//! | `ECSCTX_ECS_VERSION` | `ecs.version` | `1.12.0` |
//! | `ECSCTX_LOG_ORIGIN` | `1`/`true`: add `log.origin.file.{name,line}` | off |
//! | `ECSCTX_STACK_TRACE_BYTES` | longest `error.stack_trace` before it is cut | `8192` |

use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::filter::Filter;
use crate::logger::{EcsLogger, Format};
use crate::mask::Masker;
use crate::placement::Policy;
use crate::render::value::Limits;
use crate::settings::{self, Shared};
use crate::sink::{Sink, Stdout};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `service.name`, `service.version` and the environment from the variables `var` reads:
/// the reference package's names first (a fleet that mixes the Python package and this
/// crate sets them), then the OpenTelemetry ones.
fn service_from(var: impl Fn(&str) -> Option<String>) -> (String, String, Option<String>) {
    let attrs = var("OTEL_RESOURCE_ATTRIBUTES").unwrap_or_default();
    let attr = |key: &str| resource_attribute(&attrs, key);
    let name = var("SERVICE_TYPE")
        .or_else(|| var("OTEL_SERVICE_NAME"))
        .or_else(|| var("SERVICE_NAME"))
        .or_else(|| attr("service.name"))
        .unwrap_or_else(|| "app".into());
    let version = var("APP_VERSION")
        .or_else(|| attr("service.version"))
        .unwrap_or_else(|| "0.0.0".into());
    let environment = var("ENVIRONMENT")
        .or_else(|| attr("deployment.environment.name"))
        .or_else(|| attr("deployment.environment"));
    (name, version, environment)
}

/// The value of `key` in `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k=v`, values percent-encoded);
/// the last one when a key repeats, none when it is empty.
fn resource_attribute(attrs: &str, key: &str) -> Option<String> {
    attrs
        .rsplit(',')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| k.trim() == key)
        .map(|(_, v)| crate::pii::scan::percent_decoded(v.trim()))
        .find(|v| !v.is_empty())
}

/// Builds an [`EcsLogger`] from the environment, then from settings in code.
///
/// [`Builder::new`] reads these environment variables; every `with_*` call overrides them:
///
/// | variable | effect | default |
/// |---|---|---|
/// | `RUST_LOG` | level directives, `info,hyper=warn,shop::checkout=debug` | `info` |
/// | `SERVICE_TYPE`, else `OTEL_SERVICE_NAME`, else `SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES` | `service.name` | `app` |
/// | `APP_VERSION`, else `service.version` in `OTEL_RESOURCE_ATTRIBUTES` | `service.version` | `0.0.0` |
/// | `PROJECT_NAME` | `project.name` (warned once when unset) | `unknown` |
/// | `ENVIRONMENT`, else `deployment.environment.name` (or the older `deployment.environment`) in `OTEL_RESOURCE_ATTRIBUTES` | `service.environment` | unset |
/// | `ECSCTX_ROOT_FIELDS` | comma list of extra keys kept at the root | none |
/// | `ECSCTX_FORMAT` | `json` or `pretty` | `json` |
/// | `ECSCTX_PRETTY` | `full`: the pretty line with every field (default: the event's fields, then what changed in the context) | compact |
/// | `ECSCTX_ECS_VERSION` | `ecs.version` | `1.12.0` |
/// | `ECSCTX_LOG_ORIGIN` | `1`/`true`: add `log.origin.file.{name,line}` | off |
/// | `ECSCTX_STACK_TRACE_BYTES` | longest `error.stack_trace` before it is cut | `8192` |
///
/// # Examples
/// ```
/// use ecsctx::{Builder, sink::WriterSink};
/// let logger = Builder::new()
///     .with_service_name("checkout")
///     .with_filter("info,hyper=warn")
///     .with_sink(WriterSink::new(Vec::new()))
///     .build();
/// # let _ = logger;
/// ```
pub struct Builder {
    sink: Option<Box<dyn Sink>>,
    filter: String,
    ecs_version: String,
    service_name: String,
    service_version: String,
    environment: Option<String>,
    project_name: Option<String>,
    roots: Vec<String>,
    origin: bool,
    format: Format,
    color: Option<bool>,
    masker: Option<Option<Arc<dyn Masker>>>,
    limits: Limits,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("filter", &self.filter)
            .field("ecs_version", &self.ecs_version)
            .field("service_name", &self.service_name)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// Settings from the environment (see the table on [`Builder`]).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::Builder;
    ///
    /// // `APP_VERSION` is read by `Builder::new`:
    /// std::env::set_var("APP_VERSION", "2.4.1");
    /// Builder::new().with_service_name("checkout").init();
    /// let lines = ecsctx::testing::capture(|| log::info!("ready"));
    /// assert_eq!(lines[0]["service"]["version"], "2.4.1"); // from the environment
    /// assert_eq!(lines[0]["service"]["name"], "checkout"); // `with_*` overrides the environment
    /// ```
    pub fn new() -> Self {
        let (service_name, service_version, environment) = service_from(env);
        let b = Builder {
            sink: None,
            filter: env("RUST_LOG").unwrap_or_else(|| "info".into()),
            ecs_version: env("ECSCTX_ECS_VERSION").unwrap_or_else(|| "1.12.0".into()),
            service_name,
            service_version,
            environment,
            project_name: env("PROJECT_NAME"),
            roots: settings::root_fields_from_env(),
            origin: env("ECSCTX_LOG_ORIGIN").is_some_and(|v| v == "1" || v == "true"),
            format: match env("ECSCTX_FORMAT").as_deref() {
                Some("pretty") | Some("console")
                    if env("ECSCTX_PRETTY").is_some_and(|v| v == "full") =>
                {
                    Format::PrettyFull
                }
                Some("pretty") | Some("console") => Format::Pretty,
                _ => Format::Json,
            },
            color: None,
            masker: None,
            limits: Limits::default(),
        };
        match env("ECSCTX_STACK_TRACE_BYTES").and_then(|v| v.trim().parse::<usize>().ok()) {
            Some(n) => b.with_max_stack_trace_len(n),
            None => b,
        }
    }

    /// Where lines go (default: stdout). Any [`Sink`]: [`WriterSink`](crate::sink::WriterSink)
    /// over a `Write`, [`sink::file`](crate::sink::file), [`NonBlocking`](crate::sink::NonBlocking).
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use ecsctx::{sink::WriterSink, Builder};
    /// use log::Log;
    ///
    /// let out = Arc::new(WriterSink::new(Vec::new()));
    /// let logger = Builder::new().with_filter("info").with_sink(out.clone()).build();
    /// logger.log(&log::Record::builder().level(log::Level::Info).args(format_args!("hello")).build());
    /// drop(logger);
    /// let bytes = Arc::try_unwrap(out).unwrap().into_inner();
    /// let line: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    /// assert_eq!(line["message"], "hello");
    /// ```
    pub fn with_sink(mut self, sink: impl Sink) -> Self {
        self.sink = Some(Box::new(sink));
        self
    }

    /// Any `Write + Send`, shared by the threads that log (see
    /// [`WriterSink`](crate::sink::WriterSink)).
    ///
    /// # Examples
    /// ```
    /// use log::Log;
    ///
    /// let path = std::env::temp_dir().join(format!("ecsctx-with-writer-{}.log", std::process::id()));
    /// let file = std::fs::File::create(&path)?;
    /// let logger = ecsctx::Builder::new().with_filter("info").with_writer(file).build();
    /// logger.log(&log::Record::builder().level(log::Level::Info).args(format_args!("hello")).build());
    /// logger.flush();
    /// let text = std::fs::read_to_string(&path)?;
    /// assert!(text.contains(r#""message":"hello""#));
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_writer<W: std::io::Write + Send + 'static>(self, w: W) -> Self {
        self.with_sink(crate::sink::WriterSink::new(w))
    }

    /// Level directives in `env_logger` syntax (replaces `RUST_LOG`).
    ///
    /// # Examples
    /// ```
    /// use log::{Level, LevelFilter, Log, Metadata};
    ///
    /// let logger = ecsctx::Builder::new()
    ///     .with_filter("warn,shop::checkout=debug")
    ///     .with_sink(ecsctx::sink::WriterSink::new(Vec::new()))
    ///     .build();
    /// assert_eq!(logger.max_level(), LevelFilter::Debug);
    /// let enabled = |target, level| logger.enabled(&Metadata::builder().target(target).level(level).build());
    /// assert!(enabled("shop::checkout", Level::Debug));
    /// assert!(enabled("hyper", Level::Warn));
    /// assert!(!enabled("hyper", Level::Info));
    /// ```
    pub fn with_filter(mut self, directives: &str) -> Self {
        self.filter = directives.to_owned();
        self
    }

    /// The `ecs.version` written on every line (default `1.12.0`).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_ecs_version("8.17.0").init();
    /// let lines = ecsctx::testing::capture(|| log::info!("ready"));
    /// assert_eq!(lines[0]["ecs.version"], "8.17.0");
    /// ```
    pub fn with_ecs_version(mut self, v: &str) -> Self {
        self.ecs_version = v.to_owned();
        self
    }

    /// `service.name` (default from the environment, see the table on [`Builder`], or
    /// `app`).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_service_name("checkout").init();
    /// let lines = ecsctx::testing::capture(|| log::info!("ready"));
    /// assert_eq!(lines[0]["service"]["name"], "checkout");
    /// ```
    pub fn with_service_name(mut self, v: &str) -> Self {
        self.service_name = v.to_owned();
        self
    }

    /// `service.version` (default from the environment, see the table on [`Builder`], or
    /// `0.0.0`).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_service_version(env!("CARGO_PKG_VERSION")).init();
    /// let lines = ecsctx::testing::capture(|| log::info!("ready"));
    /// assert_eq!(lines[0]["service"]["version"], env!("CARGO_PKG_VERSION"));
    /// ```
    pub fn with_service_version(mut self, v: &str) -> Self {
        self.service_version = v.to_owned();
        self
    }

    /// `service.environment` (default `ENVIRONMENT`, else absent).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_environment("staging").init();
    /// let lines = ecsctx::testing::capture(|| log::info!("ready"));
    /// assert_eq!(lines[0]["service"]["environment"], "staging");
    /// ```
    pub fn with_environment(mut self, v: &str) -> Self {
        self.environment = Some(v.to_owned());
        self
    }

    /// `project.name` (default `PROJECT_NAME`, else `unknown`).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_project_name("payments").init();
    /// let lines = ecsctx::testing::capture(|| log::info!("ready"));
    /// assert_eq!(lines[0]["project"]["name"], "payments");
    /// ```
    pub fn with_project_name(mut self, v: &str) -> Self {
        self.project_name = Some(v.to_owned());
        self
    }

    /// More top-level keys that stay at the root instead of going to `extra`.
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_root_fields(["tenant"]).init();
    /// let lines = ecsctx::testing::capture(|| log::info!(tenant = "acme", amount = 1; "paid"));
    /// assert_eq!(lines[0]["tenant"], "acme"); // kept at the root
    /// assert_eq!(lines[0]["extra"]["amount"], 1); // other custom keys go to `extra`
    /// ```
    pub fn with_root_fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, keys: I) -> Self {
        self.roots.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Adds `log.origin.file.name` and `log.origin.file.line` (off by default).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_origin(true).init();
    /// let lines = ecsctx::testing::capture(|| log::info!("here"));
    /// let file = &lines[0]["log"]["origin"]["file"];
    /// assert_eq!(file["name"], file!());
    /// assert!(file["line"].as_u64().unwrap() > 0);
    /// ```
    pub fn with_origin(mut self, on: bool) -> Self {
        self.origin = on;
        self
    }

    /// The line format (default `ECSCTX_FORMAT` or JSON).
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use ecsctx::{sink::WriterSink, Builder, Format};
    /// use log::Log;
    ///
    /// let out = Arc::new(WriterSink::new(Vec::new()));
    /// let logger = Builder::new()
    ///     .with_format(Format::Pretty)
    ///     .with_color(false)
    ///     .with_filter("info")
    ///     .with_sink(out.clone())
    ///     .build();
    /// logger.log(
    ///     &log::Record::builder()
    ///         .level(log::Level::Info)
    ///         .target("shop::checkout")
    ///         .args(format_args!("payment_processed"))
    ///         .key_values(&[("amount", 100)])
    ///         .build(),
    /// );
    /// drop(logger);
    /// let text = String::from_utf8(Arc::try_unwrap(out).unwrap().into_inner()).unwrap();
    /// assert!(!text.starts_with('{')); // not JSON
    /// assert!(text.ends_with(" INFO  payment_processed amount=100\n"), "{text}");
    /// ```
    pub fn with_format(mut self, f: Format) -> Self {
        self.format = f;
        self
    }

    /// Forces colours on or off in the pretty format (default: on for a terminal).
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use ecsctx::{sink::WriterSink, Builder, Format};
    /// use log::Log;
    ///
    /// let out = Arc::new(WriterSink::new(Vec::new()));
    /// let logger = Builder::new()
    ///     .with_format(Format::Pretty)
    ///     .with_color(true)
    ///     .with_filter("info")
    ///     .with_sink(out.clone())
    ///     .build();
    /// logger.log(&log::Record::builder().level(log::Level::Warn).args(format_args!("disk_low")).build());
    /// drop(logger);
    /// let text = String::from_utf8(Arc::try_unwrap(out).unwrap().into_inner()).unwrap();
    /// assert!(text.contains("\x1b[")); // ANSI colour codes
    /// ```
    pub fn with_color(mut self, on: bool) -> Self {
        self.color = Some(on);
        self
    }

    /// The masker applied to every string (default: the crate's PII masker when present).
    /// `None` turns masking off.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use ecsctx::mask::Masker;
    ///
    /// /// Writes every digit as `#`.
    /// struct NoDigits;
    /// impl Masker for NoDigits {
    ///     fn mask_str(&self, _path: &str, value: &str, out: &mut String) -> bool {
    ///         if !value.bytes().any(|b| b.is_ascii_digit()) {
    ///             return false;
    ///         }
    ///         out.extend(value.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }));
    ///         true
    ///     }
    /// }
    ///
    /// ecsctx::Builder::new().with_masker(Some(Arc::new(NoDigits))).init();
    /// let lines = ecsctx::testing::capture(|| log::info!(phone = "555-0100"; "called"));
    /// assert_eq!(lines[0]["extra"]["phone"], "###-####");
    /// ```
    pub fn with_masker(mut self, m: Option<Arc<dyn Masker>>) -> Self {
        self.masker = Some(m);
        self
    }

    /// Longest string value in bytes before it is cut with a visible marker (default 32,000:
    /// a cut value still fits one Elasticsearch/OpenSearch term of at most 32,766 bytes, so
    /// the document indexes; raise it only where long values go to `text` fields).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_max_value_len(16).init();
    /// let note = "x".repeat(100);
    /// let lines = ecsctx::testing::capture(|| log::info!(note = note.as_str(); "saved"));
    /// assert_eq!(
    ///     lines[0]["extra"]["note"],
    ///     format!("{}…[ecsctx: truncated 84 bytes]", "x".repeat(16))
    /// );
    /// ```
    pub fn with_max_value_len(mut self, bytes: usize) -> Self {
        self.limits.max_str = bytes.max(16);
        self
    }

    /// Deepest dotted path an object value nests to; deeper parts are kept as JSON text
    /// (default 10; Elasticsearch's default mapping depth limit is 20).
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new().with_max_depth(3).init();
    /// let order = serde_json::json!({"customer": {"address": {"city": "Kuwait City"}}});
    /// let lines = ecsctx::testing::capture(|| log::info!(order:serde = order; "placed"));
    /// // `extra.order.customer` is 3 levels deep: what is below it is kept as JSON text.
    /// assert_eq!(
    ///     lines[0]["extra"]["order"]["customer"]["address"],
    ///     r#"{"city":"Kuwait City"}"#
    /// );
    /// ```
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.limits.max_depth = depth.clamp(2, 20);
        self
    }

    /// Longest `error.stack_trace` in bytes (the cause chain, then the service's frames of
    /// a captured backtrace) before it is cut with a visible marker (default 8 KiB, or
    /// `ECSCTX_STACK_TRACE_BYTES`). Read from the installed logger.
    ///
    /// # Examples
    /// ```
    /// let b = ecsctx::Builder::new().with_max_stack_trace_len(4096);
    /// # let _ = b;
    /// ```
    pub fn with_max_stack_trace_len(mut self, bytes: usize) -> Self {
        self.limits.max_stack_trace = bytes.max(64);
        self
    }

    /// Builds the logger without installing it (to wrap it, or to test with it).
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use ecsctx::{sink::WriterSink, Builder};
    /// use log::Log;
    ///
    /// let out = Arc::new(WriterSink::new(Vec::new()));
    /// let logger = Builder::new()
    ///     .with_filter("info")
    ///     .with_service_name("checkout")
    ///     .with_sink(out.clone())
    ///     .build();
    /// // Not installed: called directly (in a test, or by another backend that wraps it).
    /// logger.log(
    ///     &log::Record::builder()
    ///         .level(log::Level::Info)
    ///         .target("shop::checkout")
    ///         .args(format_args!("payment_processed"))
    ///         .build(),
    /// );
    /// drop(logger);
    /// let line: serde_json::Value =
    ///     serde_json::from_slice(&Arc::try_unwrap(out).unwrap().into_inner()).unwrap();
    /// assert_eq!(line["message"], "payment_processed");
    /// assert_eq!(line["service"]["name"], "checkout");
    /// assert_eq!(line["log"]["logger"], "shop::checkout");
    /// ```
    pub fn build(self) -> EcsLogger {
        let (filter, warnings) = Filter::parse(&self.filter);
        for w in warnings {
            eprintln!("ecsctx: RUST_LOG: {w}");
        }
        let shared = Arc::new(Shared {
            id: crate::ids::next(),
            policy: Policy::with_roots(&self.roots),
            masker: self.masker.unwrap_or_else(crate::pii::default_masker),
            limits: self.limits,
        });
        let color = self.color.unwrap_or_else(|| {
            use std::io::IsTerminal;
            std::io::stdout().is_terminal()
        });
        EcsLogger::new(crate::logger::Settings {
            filter,
            sink: self.sink.unwrap_or_else(|| Box::new(Stdout)),
            shared,
            ecs_version: self.ecs_version,
            service_name: self.service_name,
            service_version: self.service_version,
            environment: self.environment,
            project_name: self.project_name,
            origin: self.origin,
            format: self.format,
            color,
        })
    }

    /// Builds and installs the logger as the `log` backend.
    ///
    /// # Errors
    /// [`InitError`] when a `log` backend is already installed.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::Builder;
    ///
    /// assert!(Builder::new().with_service_name("checkout").try_init().is_ok());
    /// // Only one `log` backend per process:
    /// assert!(Builder::new().try_init().is_err());
    /// let lines = ecsctx::testing::capture(|| log::info!("ready"));
    /// assert_eq!(lines[0]["service"]["name"], "checkout"); // the first one stays
    /// ```
    pub fn try_init(self) -> Result<(), InitError> {
        let logger: &'static EcsLogger = Box::leak(Box::new(self.build()));
        log::set_logger(logger).map_err(|_| InitError(()))?;
        log::set_max_level(logger.max_level());
        settings::install(logger.shared().clone());
        let _ = INSTALLED.set(logger);
        warm_up_backtraces();
        if !logger.has_project_name() {
            eprintln!("ecsctx: PROJECT_NAME is not set; logging project.name=\"unknown\" (set it so lines reach logs-{{PROJECT_NAME}}-{{ENVIRONMENT}})");
        }
        Ok(())
    }

    /// Builds and installs the logger.
    ///
    /// # Panics
    /// When a `log` backend is already installed; use [`try_init`](Self::try_init) to get
    /// an error instead.
    ///
    /// # Examples
    /// ```
    /// ecsctx::Builder::new()
    ///     .with_service_name("checkout")
    ///     .with_filter("info,hyper=warn")
    ///     .init();
    /// assert_eq!(log::max_level(), log::LevelFilter::Info);
    /// log::info!("service_started"); // one JSON line on stdout
    /// ```
    pub fn init(self) {
        self.try_init()
            .expect("ecsctx: a logger is already installed (use try_init to handle this)")
    }
}

pub(crate) static INSTALLED: OnceLock<&'static EcsLogger> = OnceLock::new();

/// When errors capture backtraces (`RUST_BACKTRACE`/`RUST_LIB_BACKTRACE` set, not `0`),
/// resolves one on a background thread at start-up: the first resolution reads the
/// binary's debug information (about 50–60 ms here), which the first error line of a
/// request would pay otherwise. Later resolutions take microseconds (std keeps what it
/// read).
fn warm_up_backtraces() {
    let on = |name: &str| std::env::var(name).is_ok_and(|v| v != "0");
    let lib = std::env::var("RUST_LIB_BACKTRACE");
    if lib.as_deref().map_or(on("RUST_BACKTRACE"), |v| v != "0") {
        let _ = std::thread::Builder::new()
            .name("ecsctx-backtrace-warm-up".into())
            .spawn(|| drop(std::backtrace::Backtrace::force_capture().to_string()));
    }
}

/// Installs an ECS logger on stdout configured from the environment.
///
/// # Panics
/// When a `log` backend is already installed.
///
/// # Examples
/// ```
/// ecsctx::init(); // stdout; `RUST_LOG`, `SERVICE_TYPE` … from the environment
/// let lines = ecsctx::testing::capture(|| log::error!("disk_full"));
/// assert_eq!(lines[0]["log.level"], "error");
/// assert_eq!(lines[0]["message"], "disk_full");
/// ```
pub fn init() {
    Builder::new().init()
}

/// Like [`init`], with an error instead of a panic.
///
/// # Errors
/// [`InitError`] when a `log` backend is already installed.
///
/// # Examples
/// ```
/// ecsctx::try_init().unwrap();
/// assert!(ecsctx::try_init().is_err());
/// ```
pub fn try_init() -> Result<(), InitError> {
    Builder::new().try_init()
}

/// A `log` backend was already installed.
#[derive(Debug)]
pub struct InitError(());

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a `log` backend is already installed")
    }
}

impl std::error::Error for InitError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> (String, String, Option<String>) {
        service_from(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn service_names_follow_the_documented_precedence() {
        assert_eq!(from(&[]), ("app".into(), "0.0.0".into(), None));
        let otel = [(
            "OTEL_RESOURCE_ATTRIBUTES",
            "service.name=res, service.version=1.2.3,deployment.environment.name=prod%20eu",
        )];
        assert_eq!(
            from(&otel),
            ("res".into(), "1.2.3".into(), Some("prod eu".into()))
        );
        let more = [
            otel[0],
            ("SERVICE_NAME", "plain"),
            ("OTEL_SERVICE_NAME", "otel"),
        ];
        assert_eq!(from(&more).0, "otel");
        assert_eq!(from(&more[..2]).0, "plain");
        let all = [
            more[0],
            more[1],
            more[2],
            ("SERVICE_TYPE", "ref"),
            ("APP_VERSION", "9"),
            ("ENVIRONMENT", "staging"),
        ];
        assert_eq!(
            from(&all),
            ("ref".into(), "9".into(), Some("staging".into()))
        );
        // The older attribute name, and an empty value that does not count.
        let old = [(
            "OTEL_RESOURCE_ATTRIBUTES",
            "deployment.environment=qa,service.name=",
        )];
        assert_eq!(
            from(&old),
            ("app".into(), "0.0.0".into(), Some("qa".into()))
        );
    }
}
