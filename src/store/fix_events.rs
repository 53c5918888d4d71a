//! Fixes the tool applied (`auditbench fix`): an event `fix_applied` in the
//! history of the finding, with who ran it, as triage events record theirs.

use rusqlite::{params, OptionalExtension};

use super::error::Result;
use super::Store;

impl Store {
    /// Records that the tool applied the fix of the finding with `fingerprint`
    /// (of `rule`), run by `actor`, with its applicability (`safe`, `unsafe`)
    /// and a note. Returns the finding's id, `None` when the database does not
    /// hold the finding (nothing is recorded then).
    pub fn record_fix_applied(
        &mut self,
        fingerprint: &str,
        rule: &str,
        actor: &str,
        applicability: &str,
        note: &str,
    ) -> Result<Option<i64>> {
        let db = self.path.clone();
        let at = super::now();
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM findings WHERE fingerprint = ?1 AND rule = ?2
                 ORDER BY id DESC LIMIT 1",
                params![fingerprint, rule],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| super::StoreError::from_sqlite(e, &db))?;
        if let Some(id) = id {
            self.conn
                .execute(
                    "INSERT INTO events (finding_id, at, actor, kind, to_value, note)
                     VALUES (?1, ?2, ?3, 'fix_applied', ?4, ?5)",
                    params![id, at, actor, applicability, note],
                )
                .map_err(|e| super::StoreError::from_sqlite(e, &db))?;
        }
        Ok(id)
    }
}
