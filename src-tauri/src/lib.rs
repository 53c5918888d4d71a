//! The Tauri v2 shell of the Auditbench workbench: a thin adapter over
//! `auditbench::desktop`. Each command of docs/desktop-api.md is a few lines that
//! call the library; paths from the web view are checked there (confined to the
//! open project's root). Commands are `async` so they run off the main thread
//! and the window stays responsive during database work and dialogs.

use std::path::PathBuf;
use std::sync::Arc;

use auditbench::desktop::dashboard::Dashboard;
use auditbench::desktop::types::{
    DetailOut, FileText, FilterArgs, ManualInput, ProjectInfo, ReportArgs, RuleInfo, ScanWarning,
    Settings, StartupProblem,
};
use auditbench::desktop::{ApiError, ApiResult, Event, Workbench};
use auditbench::store::{FileCount, FindingList, FindingRow};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// Replaces the save dialog of `export_report` (end-to-end tests).
pub const EXPORT_PATH_ENV: &str = "AUDITBENCH_EXPORT_PATH";
/// The project to open at start, when no folder is given on the command line.
pub const PROJECT_ENV: &str = "AUDITBENCH_PROJECT";

type Wb<'a> = State<'a, Workbench>;

/// `dbInAppData`: keep this project's database in the app's data folder (a
/// read-only checkout) or, `false`, in the project again; absent: as before.
#[tauri::command]
async fn open_project(
    wb: Wb<'_>,
    path: String,
    db_in_app_data: Option<bool>,
) -> ApiResult<ProjectInfo> {
    wb.open_project_with(&path, db_in_app_data)
}

/// The project given on the command line that could not be opened, and why.
#[tauri::command]
async fn startup_problem(wb: Wb<'_>) -> ApiResult<Option<StartupProblem>> {
    Ok(wb.startup_problem())
}

/// The last scan's warnings (files and folders not read first).
#[tauri::command]
async fn scan_warnings(wb: Wb<'_>) -> ApiResult<Vec<ScanWarning>> {
    Ok(wb.session()?.warnings())
}

#[tauri::command]
async fn close_project(wb: Wb<'_>) -> ApiResult<()> {
    wb.close_project();
    Ok(())
}

#[tauri::command]
async fn project_info(wb: Wb<'_>) -> ApiResult<Option<ProjectInfo>> {
    Ok(wb.project_info())
}

#[tauri::command]
async fn recent_projects(wb: Wb<'_>) -> ApiResult<Vec<String>> {
    Ok(wb.recent_projects())
}

/// The native folder picker; the folder chosen becomes openable.
#[tauri::command]
async fn pick_folder<R: Runtime>(app: AppHandle<R>, wb: Wb<'_>) -> ApiResult<Option<String>> {
    let picked = app.dialog().file().blocking_pick_folder();
    let path = picked
        .map(|p| p.into_path().map_err(|e| ApiError::io(e.to_string())))
        .transpose()?;
    if let Some(p) = &path {
        wb.allow_folder(p);
    }
    Ok(path.map(|p| p.to_string_lossy().into_owned()))
}

#[tauri::command]
async fn list_findings(wb: Wb<'_>, filter: FilterArgs) -> ApiResult<FindingList> {
    wb.session()?.list_findings(&filter)
}

#[tauri::command]
async fn finding_detail(wb: Wb<'_>, id: i64) -> ApiResult<DetailOut> {
    wb.session()?.finding_detail(id)
}

#[tauri::command]
async fn read_file(wb: Wb<'_>, path: String) -> ApiResult<FileText> {
    wb.session()?.read_file(&path)
}

#[tauri::command]
async fn triage(
    wb: Wb<'_>,
    ids: Vec<i64>,
    status: String,
    note: Option<String>,
) -> ApiResult<Vec<FindingRow>> {
    wb.session()?.triage(&ids, &status, note)
}

#[tauri::command]
async fn add_note(wb: Wb<'_>, id: i64, note: String) -> ApiResult<()> {
    wb.session()?.add_note(id, &note)
}

#[tauri::command]
async fn add_manual(wb: Wb<'_>, finding: ManualInput) -> ApiResult<i64> {
    wb.session()?.add_manual(&finding)
}

#[tauri::command]
async fn open_in_editor(wb: Wb<'_>, path: String, line: usize) -> ApiResult<()> {
    wb.open_in_editor(&path, line)
}

#[tauri::command]
async fn dashboard(wb: Wb<'_>, weeks: Option<usize>) -> ApiResult<Dashboard> {
    wb.dashboard(weeks)
}

#[tauri::command]
async fn file_counts(wb: Wb<'_>) -> ApiResult<Vec<FileCount>> {
    wb.session()?.file_counts()
}

#[tauri::command]
async fn list_rules(wb: Wb<'_>) -> ApiResult<Vec<RuleInfo>> {
    wb.session()?.list_rules()
}

#[tauri::command]
async fn set_rule(
    wb: Wb<'_>,
    id: String,
    enabled: Option<bool>,
    severity: Option<String>,
) -> ApiResult<Vec<RuleInfo>> {
    wb.session()?.set_rule(&id, enabled, severity.as_deref())
}

#[tauri::command]
async fn render_report(wb: Wb<'_>, options: ReportArgs, format: String) -> ApiResult<String> {
    wb.session()?.render_report(&options, &format)
}

/// The destination comes from the native save dialog (or `AUDITBENCH_EXPORT_PATH`),
/// never from the web view.
#[tauri::command]
async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    wb: Wb<'_>,
    options: ReportArgs,
    format: String,
) -> ApiResult<Option<String>> {
    let session = wb.session()?;
    let (_, ext) = auditbench::desktop::types::report_format(&format)?;
    let dest = match std::env::var_os(EXPORT_PATH_ENV) {
        Some(p) => Some(PathBuf::from(p)),
        None => app
            .dialog()
            .file()
            .set_file_name(format!("{}-audit.{ext}", session.name))
            .blocking_save_file()
            .map(|p| p.into_path().map_err(|e| ApiError::io(e.to_string())))
            .transpose()?,
    };
    dest.map(|d| session.export_report(&options, &format, &d))
        .transpose()
}

#[tauri::command]
async fn get_settings(wb: Wb<'_>) -> ApiResult<Settings> {
    wb.settings()
}

#[tauri::command]
async fn set_settings(wb: Wb<'_>, settings: Settings) -> ApiResult<Settings> {
    wb.set_settings(settings)
}

/// A sink that forwards library events to every window.
pub fn event_sink<R: Runtime>(app: AppHandle<R>) -> auditbench::desktop::Sink {
    Arc::new(move |e: Event| {
        if let Err(err) = app.emit(e.name(), e.payload()) {
            tracing::warn!("cannot emit {}: {err}", e.name());
        }
    })
}

/// The builder shared by the app and the tests: plugins, commands, state.
/// `prefs_dir`: where preferences live (`None`: the app's config folder).
pub fn builder<R: Runtime>(
    prefs_dir: Option<PathBuf>,
    project: Option<PathBuf>,
) -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            open_project,
            startup_problem,
            close_project,
            project_info,
            recent_projects,
            pick_folder,
            list_findings,
            scan_warnings,
            finding_detail,
            read_file,
            triage,
            add_note,
            add_manual,
            open_in_editor,
            dashboard,
            file_counts,
            list_rules,
            set_rule,
            render_report,
            export_report,
            get_settings,
            set_settings,
        ])
        .setup(move |app| {
            let (dir, data) = match prefs_dir {
                Some(d) => (d.clone(), d.join("data")),
                None => (app.path().app_config_dir()?, app.path().app_data_dir()?),
            };
            init_with(app.handle(), dir, data, project);
            Ok(())
        })
}

/// Creates the workbench state (preferences in `prefs_dir`, the app's data in
/// `prefs_dir/data`), opens the start-up project if any, and hands the state to
/// Tauri. The mock-runtime tests call it after `build()`, since setup only runs
/// in the event loop.
pub fn init<R: Runtime>(app: &AppHandle<R>, prefs_dir: PathBuf, project: Option<PathBuf>) {
    let data = prefs_dir.join("data");
    init_with(app, prefs_dir, data, project);
}

/// [`init`] with the app's data folder (databases of read-only checkouts).
/// A start-up project that cannot be opened leaves its reason for the start
/// screen (`startup_problem`).
pub fn init_with<R: Runtime>(
    app: &AppHandle<R>,
    prefs_dir: PathBuf,
    data_dir: PathBuf,
    project: Option<PathBuf>,
) {
    let wb = Workbench::with_data_dir(prefs_dir, data_dir, event_sink(app.clone()));
    if let Some(p) = &project {
        wb.open_startup_project(p);
    }
    app.manage(wb);
}

/// The project folder given at start: the first argument, else `AUDITBENCH_PROJECT`.
pub fn startup_project() -> Option<PathBuf> {
    std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os(PROJECT_ENV))
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AUDITBENCH_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    builder::<tauri::Wry>(None, startup_project())
        .run(tauri::generate_context!())
        .expect("error while running the Auditbench workbench");
}
