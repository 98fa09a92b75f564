//! Prints an access token that the local runner's front accepts: `cargo xtask token` runs it
//! with the applied API's authorizer settings and the local issuer's key in its environment
//! (as the runner gets them), as `local-token SUBJECT MINUTES [SCOPE...]`.

use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [subject, minutes, scopes @ ..] = args.as_slice() else {
        return Err("usage: local-token SUBJECT MINUTES [SCOPE...]".into());
    };
    let minutes: u64 = minutes.parse().map_err(|_| format!("{minutes:?} is not a number of minutes"))?;
    let (settings, issuer) = lambda_local::authorizer_from_env()?
        .ok_or("LOCAL_JWT_AUTHORIZER is not set: the API has no JWT authorizer, so it needs no token")?;
    println!("{}", issuer.token(&settings, subject, scopes, Duration::from_secs(60 * minutes)));
    Ok(())
}
