//! The iam module grants each function exactly the actions its code declares: read from the
//! plan Terraform renders for this step's root (against the local emulator), not from a second
//! hand-typed list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use step05_api_gateway::iam::{consumer_actions, producer_actions};

fn repo_root() -> &'static Path {
    emulator::repo_root()
}

/// `terraform` with xtask's CLI configuration, this test's own data directory and the emulator.
fn terraform(data_dir: &Path, endpoint: &str) -> Command {
    let rc = repo_root().join("target/xtask/terraform.rc");
    assert!(rc.exists(), "no Terraform configuration at {}: run `cargo xtask setup`", rc.display());
    let mut command = Command::new("terraform");
    command
        .arg(format!("-chdir={}", repo_root().join("steps/05-api-gateway/terraform").display()))
        .env("TF_CLI_CONFIG_FILE", rc)
        .env("TF_DATA_DIR", data_dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .envs(emulator::DUMMY_AWS_ENV);
    for name in emulator::REAL_AWS_ENV {
        command.env_remove(name);
    }
    command
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("terraform runs (is it installed?)");
    assert!(output.status.success(), "{:?} failed:\n{}", command, String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The outputs of this step's root as `terraform plan` renders them.
fn planned_outputs() -> Value {
    let endpoint = emulator::Emulator::shared_endpoint();
    let data_dir: PathBuf = repo_root().join("target/emulator/terraform/step05-iam-test");
    let _ = std::fs::remove_dir_all(&data_dir);
    let plan = data_dir.join("plan.bin");
    let state = format!("-backend-config=path={}", data_dir.join("test.tfstate").display());
    run(terraform(&data_dir, endpoint).args(["init", "-input=false", &state]));
    run(terraform(&data_dir, endpoint)
        .args(["plan", "-input=false", "-var-file=emulator.tfvars"])
        // The zips play no part in the roles: the Terraform tests' placeholder package will do.
        .arg(format!(
            "-var=packages_manifest={}",
            repo_root().join("terraform/tests/fixtures/packages.json").display()
        ))
        .arg(format!("-out={}", plan.display())));
    let json = run(terraform(&data_dir, endpoint).args(["show", "-json"]).arg(&plan));
    let plan: Value = serde_json::from_str(&json).expect("terraform show -json is JSON");
    plan["planned_values"]["outputs"].clone()
}

fn actions(outputs: &Value, name: &str) -> BTreeSet<String> {
    let list = outputs[name]["value"].as_array().unwrap_or_else(|| panic!("the plan has no output {name}"));
    list.iter().map(|action| action.as_str().expect("an action").to_owned()).collect()
}

#[test]
fn the_iam_module_grants_exactly_the_declared_actions() {
    let outputs = planned_outputs();
    let declared = |set: BTreeSet<&str>| set.into_iter().map(str::to_owned).collect::<BTreeSet<String>>();
    assert_eq!(
        actions(&outputs, "producer_actions"),
        declared(producer_actions()),
        "left: what the plan grants the producer (the output producer_actions); right: iam::producer_actions()"
    );
    assert_eq!(
        actions(&outputs, "consumer_actions"),
        declared(consumer_actions()),
        "left: what the plan grants the consumer (the output consumer_actions); right: iam::consumer_actions()"
    );
}
