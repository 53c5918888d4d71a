//! The shipped security configuration: a strict CSP with no remote origin and no
//! script relaxation, the global Tauri object off, and a capability file that
//! grants the web view only event listening (every action is an app command
//! whose paths are checked in Rust).

use serde_json::Value;

fn read(rel: &str) -> Value {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn csp_is_strict_and_local() {
    let conf = read("tauri.conf.json");
    let security = &conf["app"]["security"];
    let csp = security["csp"].as_object().expect("a CSP is set");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'", "no inline or eval scripts");
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(csp["base-uri"], "'none'");
    for (directive, value) in csp {
        let value = value.as_str().unwrap();
        for source in value.split_whitespace() {
            let allowed = source.starts_with('\'')
                || matches!(source, "ipc:" | "http://ipc.localhost" | "data:");
            assert!(allowed, "{directive}: `{source}` is not a local source");
            assert!(!source.contains('*'), "{directive}: wildcard `{source}`");
            assert!(
                !matches!(source, "'unsafe-eval'" | "'wasm-unsafe-eval'"),
                "{directive}: {source}"
            );
        }
        // Styles only: CodeMirror (style-mod) inserts <style> elements and the
        // views set style attributes; no script may be inline.
        if directive != "style-src" {
            assert!(!value.contains("'unsafe-inline'"), "{directive}: {value}");
        }
    }
    assert!(!csp.contains_key("script-src-elem") && !csp.contains_key("script-src-attr"));
    // Tauri may add its nonces and hashes to every directive but style-src (a
    // nonce there would make browsers ignore 'unsafe-inline' for CodeMirror).
    assert_eq!(
        security["dangerousDisableAssetCspModification"],
        serde_json::json!(["style-src"])
    );
    assert_eq!(security["freezePrototype"], true);
    assert_ne!(conf["app"]["withGlobalTauri"], true);
    assert!(
        security.get("assetProtocol").is_none(),
        "no asset protocol scope"
    );
    assert!(
        conf["build"].get("devUrl").is_none(),
        "the app never loads a dev server"
    );
}

#[test]
fn capabilities_grant_only_event_listening() {
    let conf = read("tauri.conf.json");
    assert_eq!(
        conf["app"]["security"]["capabilities"],
        serde_json::json!(["main"])
    );
    let dir = format!("{}/capabilities", env!("CARGO_MANIFEST_DIR"));
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1, "one capability file");
    let cap = read("capabilities/main.json");
    assert_eq!(cap["identifier"], "main");
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("remote").is_none(), "no remote URL gets the IPC");
    let perms: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission ids, no scopes"))
        .collect();
    assert_eq!(
        perms,
        ["core:event:allow-listen", "core:event:allow-unlisten"]
    );
}
