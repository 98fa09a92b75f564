//! `terraform/` grants each function exactly the actions its code declares next to its calls
//! (`books::iam`): read from the plan Terraform renders against the local emulator, not from a
//! second hand-typed list.

use std::collections::BTreeSet;

use books::iam::{consumer_actions, producer_actions};
use serde_json::Value;

fn planned(outputs: &Value, name: &str) -> BTreeSet<String> {
    let list = outputs[name]["value"].as_array().unwrap_or_else(|| panic!("the plan has no output {name}"));
    list.iter().map(|action| action.as_str().expect("an action").to_owned()).collect()
}

#[test]
fn terraform_grants_exactly_the_declared_actions() {
    // The zips play no part in the roles: the Terraform tests' fixture package will do.
    let fixture = emulator::repo_root().join("terraform/tests/fixtures/packages.json");
    let plan = emulator::terraform_plan_json(
        "terraform",
        "final-iam-test",
        &[format!("-var=packages_manifest={}", fixture.display())],
    );
    let plan: Value = serde_json::from_str(&plan).expect("terraform show -json is JSON");
    let outputs = &plan["planned_values"]["outputs"];
    let declared = |set: BTreeSet<&str>| set.into_iter().map(str::to_owned).collect::<BTreeSet<String>>();
    assert_eq!(
        planned(outputs, "producer_actions"),
        declared(producer_actions()),
        "left: what the plan grants the producer (output producer_actions); right: books::iam::producer_actions()"
    );
    assert_eq!(
        planned(outputs, "consumer_actions"),
        declared(consumer_actions()),
        "left: what the plan grants the consumer (output consumer_actions); right: books::iam::consumer_actions()"
    );
}
