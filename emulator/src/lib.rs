//! The local AWS emulator (moto in server mode), started from the repository's own virtual
//! environment.
//!
//! Both `cargo xtask` and the integration tests need one, and they need it to go away with
//! them: moto runs under a small Python wrapper that stops when its standard input closes,
//! which happens when the process that started it exits for any reason (Ctrl-C and `SIGKILL`
//! included). No emulator is ever left behind.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The region every emulator run uses.
pub const REGION: &str = "us-east-1";

/// The environment an emulator run gives to the SDK, Terraform and the local runner:
/// dummy credentials, so nothing can reach a real account by accident.
pub const DUMMY_AWS_ENV: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_REGION", REGION),
    ("AWS_DEFAULT_REGION", REGION),
];

/// Variables that could point an emulator run at a real account; they are removed.
pub const REAL_AWS_ENV: [&str; 3] = ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"];

/// How long moto may take to import and bind before we give up on it.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs moto's threaded server until stdin reaches end-of-file.
///
/// Before it starts, SQS gets a cheaper clock. moto's SQS asks `unix_time_millis()` twice per
/// queued message on every send and receive, and that clock builds two `datetime`s per call:
/// with 5,000 messages queued, one `ReceiveMessage` took 2.8 s and filling the queue took
/// 236 s. `time.time()` gives the same reading (seconds since the epoch) 25× faster. The
/// asserts stop the emulator if a moto upgrade moves the names, rather than run it slow.
const WRAPPER: &str = include_str!("moto_server.py");

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the emulator is not installed ({0} is missing): run `cargo xtask setup`")]
    NotInstalled(PathBuf),
    #[error("port {0} is already in use: stop what holds it or pick another port with `--emulator-port`")]
    PortInUse(u16),
    #[error("the emulator did not come up on port {port} within {seconds} s: see its log at {log}")]
    NotReady { port: u16, seconds: u64, log: PathBuf },
    #[error("could not start the emulator: {0}")]
    Io(#[from] std::io::Error),
}

/// The repository root (this crate lives one level below it).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the emulator crate sits inside the repository")
}

/// The repository's Python virtual environment (under the repository root), created by
/// `cargo xtask setup`.
pub const VENV: &str = ".venv";

/// The repository's Python virtual environment, created by `cargo xtask setup`.
pub fn venv_dir() -> PathBuf {
    repo_root().join(VENV)
}

/// The virtual environment's Python interpreter.
pub fn venv_python() -> PathBuf {
    if cfg!(windows) {
        venv_dir().join("Scripts").join("python.exe")
    } else {
        venv_dir().join("bin").join("python")
    }
}

/// Where emulator runs keep their files, apart from anything a real deploy uses.
pub fn data_dir() -> PathBuf {
    repo_root().join("target").join("emulator")
}

/// A running emulator; dropping it stops it.
#[derive(Debug)]
pub struct Emulator {
    child: Child,
    endpoint: String,
}

impl Emulator {
    /// Starts moto on `127.0.0.1:port` and waits until it answers.
    pub fn start(port: u16) -> Result<Self, Error> {
        let python = venv_python();
        if !python.exists() {
            return Err(Error::NotInstalled(python));
        }
        if !port_is_free(port) {
            return Err(Error::PortInUse(port));
        }
        std::fs::create_dir_all(data_dir())?;
        let log_path = data_dir().join(format!("moto-{port}.log"));
        let log = std::fs::File::create(&log_path)?;
        let mut command = Command::new(python);
        command
            .args(["-c", WRAPPER, "127.0.0.1", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log);
        // In its own process group, so that the Ctrl-C which stops `cargo xtask local` leaves
        // the emulator up long enough to `terraform destroy` what was applied to it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn()?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let not_ready = Error::NotReady { port, seconds: START_TIMEOUT.as_secs(), log: log_path };
        let said_ready = child.stdout.take().is_some_and(|stdout| {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).is_ok() && line.trim() == "ready"
        });
        // From here on, dropping `emulator` stops the child, whatever happens next.
        let emulator = Emulator { child, endpoint };
        if said_ready && wait_for_port(port, START_TIMEOUT) { Ok(emulator) } else { Err(not_ready) }
    }

    /// Starts moto on a free port. A port found free can be taken before moto binds it (by any
    /// outgoing connection's ephemeral port), so a port taken in between means trying another.
    pub fn start_on_a_free_port() -> Result<Self, Error> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match Emulator::start(free_port()) {
                Err(Error::PortInUse(_)) if attempts < 5 => continue,
                started => return started,
            }
        }
    }

    /// The URL to give the SDK and Terraform as `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The emulator for this test process: the one named by `AWS_ENDPOINT_URL` when
    /// `cargo xtask` started it, or else one started now on a free port and kept for the
    /// life of the process (it stops when the process exits).
    ///
    /// # Panics
    /// When no emulator can be had, with the sentence that says how to get one.
    pub fn shared_endpoint() -> &'static str {
        static SHARED: OnceLock<Result<String, String>> = OnceLock::new();
        let endpoint = SHARED.get_or_init(|| {
            if let Ok(url) = std::env::var("AWS_ENDPOINT_URL") {
                return Ok(url);
            }
            let emulator = Emulator::start_on_a_free_port().map_err(|e| e.to_string())?;
            let endpoint = emulator.endpoint.clone();
            // Kept alive until the process exits; its stdin closes then and it stops.
            std::mem::forget(emulator);
            Ok(endpoint)
        });
        match endpoint {
            Ok(url) => url,
            Err(why) => panic!("this test needs the AWS emulator: {why}"),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An SDK configuration for the shared emulator, with dummy credentials.
#[cfg(feature = "sdk")]
pub async fn sdk_config() -> aws_config::SdkConfig {
    use aws_config::{BehaviorVersion, Region};
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(Emulator::shared_endpoint())
        .region(Region::new(REGION))
        .credentials_provider(aws_credential_types::Credentials::new(
            DUMMY_AWS_ENV[0].1,
            DUMMY_AWS_ENV[1].1,
            None,
            None,
            "emulator",
        ))
        .load()
        .await
}

/// A DynamoDB client for the shared emulator that refuses, as AWS does, two `BatchWriteItem`s
/// moto accepts: one of more than 25 requests, and one that writes the same key twice. A test
/// against moto alone would pass code that AWS then refuses.
#[cfg(feature = "sdk")]
pub async fn dynamodb_client() -> aws_sdk_dynamodb::Client {
    let config =
        aws_sdk_dynamodb::config::Builder::from(&sdk_config().await).interceptor(AsStrictAsAws).build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

#[cfg(feature = "sdk")]
#[derive(Debug)]
struct AsStrictAsAws;

#[cfg(feature = "sdk")]
impl aws_sdk_dynamodb::config::Intercept for AsStrictAsAws {
    fn name(&self) -> &'static str {
        "AsStrictAsAws"
    }

    fn read_before_execution(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
        let Some(input) = context.input().downcast_ref::<BatchWriteItemInput>() else { return Ok(()) };
        let requests: Vec<_> =
            input.request_items().into_iter().flat_map(|tables| tables.values().flatten()).collect();
        if requests.len() > 25 {
            return Err(format!(
                "as AWS would answer: ValidationException: Too many items requested for the BatchWriteItem \
                 call ({}; at most 25)",
                requests.len()
            )
            .into());
        }
        let keys: Vec<_> =
            requests.iter().filter_map(|request| request.put_request()?.item().get("id")).collect();
        if keys.iter().enumerate().any(|(at, key)| keys[..at].contains(key)) {
            return Err(
                "as AWS would answer: ValidationException: Provided list of item keys contains duplicates"
                    .into(),
            );
        }
        Ok(())
    }
}

/// A name no other test (in this process or another one on the same emulator) uses.
#[cfg(feature = "sdk")]
fn fresh_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("test-{}-{nanos}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A fresh, empty books table on the emulator (key `id`, a string, as `terraform/modules/dynamodb`
/// creates it); returns its name.
///
/// # Panics
/// When the emulator refuses, since no test can go on without its table.
#[cfg(feature = "sdk")]
pub async fn fresh_table(client: &aws_sdk_dynamodb::Client) -> String {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    let name = fresh_name();
    let key = KeySchemaElement::builder().attribute_name("id").key_type(KeyType::Hash).build();
    let id =
        AttributeDefinition::builder().attribute_name("id").attribute_type(ScalarAttributeType::S).build();
    client
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key.expect("a complete key"))
        .attribute_definitions(id.expect("a complete attribute"))
        .send()
        .await
        .expect("the emulator creates the table");
    name
}

/// A fresh queue whose messages move to a fresh dead-letter queue after `max_receive_count`
/// receives, hidden `visibility_seconds` after each; returns the URLs of the queue and its DLQ.
///
/// # Panics
/// When the emulator refuses, since no test can go on without its queues.
#[cfg(feature = "sdk")]
pub async fn fresh_queue_with_dlq(
    client: &aws_sdk_sqs::Client,
    visibility_seconds: u32,
    max_receive_count: u32,
) -> (String, String) {
    use aws_sdk_sqs::types::QueueAttributeName;
    let name = fresh_name();
    let created = client.create_queue().queue_name(format!("{name}-dlq")).send().await;
    let dead_letter_url = created.expect("the emulator creates the DLQ").queue_url.expect("a URL");
    let attributes = client
        .get_queue_attributes()
        .queue_url(&dead_letter_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("the emulator describes the DLQ");
    let dead_letter_arn = &attributes.attributes().expect("attributes")[&QueueAttributeName::QueueArn];
    let redrive =
        format!(r#"{{"deadLetterTargetArn":"{dead_letter_arn}","maxReceiveCount":{max_receive_count}}}"#);
    let created = client
        .create_queue()
        .queue_name(&name)
        .attributes(QueueAttributeName::VisibilityTimeout, visibility_seconds.to_string())
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .send()
        .await;
    (created.expect("the emulator creates the queue").queue_url.expect("a URL"), dead_letter_url)
}

/// Whether nothing listens on `127.0.0.1:port` yet.
pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// A port free right now, for a server started next (the emulator, a local runner).
///
/// Between this check and the server's bind, another process may take the port. The port
/// the OS picks for `bind(0)` lies in its ephemeral range, the range every outgoing connection
/// takes its local port from, and the tests make thousands of connections. So the port comes
/// from below that range, where no connection can take it; the OS's own pick is the fallback.
pub fn free_port() -> u16 {
    let ephemeral_start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32_768);
    // Well above the ports people run servers on (3000, 4566, 8000, 8080, …).
    let below_ephemeral = 20_000..ephemeral_start;
    if !below_ephemeral.is_empty() {
        // Processes started together (parallel test binaries) start their search apart.
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let span = u32::from(below_ephemeral.end - below_ephemeral.start);
        let start = (nanos.subsec_nanos() ^ std::process::id().wrapping_mul(7_919)) % span;
        for attempt in 0..64 {
            let offset = (start + attempt * 7_919) % span;
            let port = below_ephemeral.start + u16::try_from(offset).unwrap_or(0);
            if port_is_free(port) {
                return port;
            }
        }
    }
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or(0)
}

/// Waits until something accepts connections on `127.0.0.1:port`.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// `terraform show -json` of a fresh plan of the root at `root` (relative to the repository)
/// against the shared emulator, with `emulator.tfvars` and `args`: what the root would create,
/// for tests that compare it with the code. Its data directory is `target/emulator/terraform/<name>`.
///
/// # Panics
/// When Terraform fails or xtask has not written its configuration (`cargo xtask setup`).
pub fn terraform_plan_json(root: &str, name: &str, args: &[String]) -> String {
    let rc = repo_root().join("target/xtask/terraform.rc");
    assert!(rc.exists(), "no Terraform configuration at {}: run `cargo xtask setup`", rc.display());
    let data_dir = data_dir().join("terraform").join(name);
    let _ = std::fs::remove_dir_all(&data_dir);
    let plan = data_dir.join("plan.bin");
    let endpoint = Emulator::shared_endpoint();
    let run = |args: &[String]| {
        let mut command = Command::new("terraform");
        command
            .arg(format!("-chdir={}", repo_root().join(root).display()))
            .args(args)
            .env("TF_CLI_CONFIG_FILE", &rc)
            .env("TF_DATA_DIR", &data_dir)
            .env("TF_IN_AUTOMATION", "1")
            .env("AWS_ENDPOINT_URL", endpoint)
            .envs(DUMMY_AWS_ENV);
        for name in REAL_AWS_ENV {
            command.env_remove(name);
        }
        let output = command.output().expect("terraform runs (is it installed?)");
        assert!(output.status.success(), "{command:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let state = format!("-backend-config=path={}", data_dir.join("test.tfstate").display());
    run(&["init".into(), "-input=false".into(), state]);
    let mut plan_args = vec!["plan".into(), "-input=false".into(), "-var-file=emulator.tfvars".into()];
    plan_args.extend(args.iter().cloned());
    plan_args.push(format!("-out={}", plan.display()));
    run(&plan_args);
    run(&["show".into(), "-json".into(), plan.display().to_string()])
}
