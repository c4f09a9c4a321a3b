//! Refused attempts in the audit log: a 404 for something outside the actor's scope, a 403 for
//! something its role may not do. A flood must not fill the disk, so one row is written per
//! account, address and route in a window (10 minutes by default); the repeats in the window
//! are counted in memory and written with the next row of that kind, or by the chores when
//! the window has passed quietly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Entry;
use crate::{Actor, App, ServiceResult, now_ms};

/// Who was refused, from where, on which route (the route's pattern, so that trying id after
/// id is one kind).
type Key = (String, String, String);

#[derive(Clone, Copy)]
struct Window {
    since: i64,
    repeats: u64,
}

/// The refusals of the current windows, shared by every clone of the application.
#[derive(Clone, Default)]
pub(crate) struct Denials(Arc<Mutex<HashMap<Key, Window>>>);

impl Denials {
    fn seen(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Window>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether this refusal opens a window (and is written, with the repeats of the window
    /// before), or is counted in the one open.
    fn note(&self, key: Key, now: i64, window_ms: i64) -> Option<u64> {
        let mut seen = self.seen();
        match seen.get_mut(&key) {
            Some(w) if now - w.since < window_ms => {
                w.repeats += 1;
                None
            }
            Some(w) => {
                let before = w.repeats;
                *w = Window {
                    since: now,
                    repeats: 0,
                };
                Some(before)
            }
            None => {
                seen.insert(
                    key,
                    Window {
                        since: now,
                        repeats: 0,
                    },
                );
                Some(0)
            }
        }
    }

    /// Takes the windows that have passed, with their uncounted repeats.
    fn take_closed(&self, now: i64, window_ms: i64) -> Vec<(Key, u64)> {
        let mut seen = self.seen();
        let closed: Vec<(Key, u64)> = seen
            .iter()
            .filter(|(_, w)| now - w.since >= window_ms)
            .map(|(k, w)| (k.clone(), w.repeats))
            .collect();
        for (k, _) in &closed {
            seen.remove(k);
        }
        closed.into_iter().filter(|(_, n)| *n > 0).collect()
    }
}

fn repeats_note(n: u64, window_ms: i64) -> String {
    format!(
        "此前 {} 分钟内同类拒绝另有 {n} 次",
        (window_ms / 60_000).max(1)
    )
}

impl App {
    /// Audits a refused request of a logged-in account (`denied`): the first of its kind in
    /// a window is written at once, the rest are counted.
    pub async fn audit_denied(
        &self,
        actor: &Actor,
        method: &str,
        route: &str,
        path: &str,
        status: u16,
    ) -> ServiceResult<()> {
        let window = self.config.denied_window_ms;
        let who = actor
            .user_id
            .map_or_else(|| actor.username.clone(), |id| id.to_string());
        let key = (who, actor.ip.clone(), format!("{method} {route}"));
        let Some(before) = self.denials.note(key, now_ms(), window) else {
            return Ok(());
        };
        let mut detail = format!("{method} {path} → {status}");
        if before > 0 {
            detail.push('；');
            detail.push_str(&repeats_note(before, window));
        }
        self.audit_alone(
            actor,
            Entry::ok("denied", "route", format!("{method} {route}"))
                .with_result("denied")
                .detail(detail),
        )
        .await
    }

    /// Writes the repeats of the windows that passed with no refusal after them; run by the
    /// chores.
    pub async fn flush_denials(&self) -> ServiceResult<usize> {
        let window = self.config.denied_window_ms;
        let closed = self.denials.take_closed(now_ms(), window);
        for ((who, ip, route), n) in &closed {
            let mut actor = Actor::system("denied");
            actor.username = format!("user:{who}");
            actor.user_id = who.parse().ok();
            actor.ip = ip.clone();
            self.audit_alone(
                &actor,
                Entry::ok("denied", "route", route)
                    .with_result("denied")
                    .detail(repeats_note(*n, window)),
            )
            .await?;
        }
        Ok(closed.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(route: &str) -> Key {
        ("7".into(), "10.0.0.1".into(), route.into())
    }

    #[test]
    fn one_row_per_kind_and_window_with_the_repeats_counted() {
        let d = Denials::default();
        assert_eq!(d.note(key("GET /members/{id}"), 0, 1000), Some(0));
        for t in 1..=5 {
            assert_eq!(d.note(key("GET /members/{id}"), t, 1000), None);
        }
        assert_eq!(
            d.note(key("GET /orgs/{id}"), 6, 1000),
            Some(0),
            "another kind"
        );
        assert_eq!(
            d.note(key("GET /members/{id}"), 1000, 1000),
            Some(5),
            "the next window carries the five repeats"
        );
        d.note(key("GET /members/{id}"), 1001, 1000);
        assert!(d.take_closed(1500, 1000).is_empty(), "still open");
        assert_eq!(
            d.take_closed(2500, 1000),
            vec![(key("GET /members/{id}"), 1)],
            "a quiet window gives its repeats to the chores; one without repeats gives nothing"
        );
        assert!(d.take_closed(2500, 1000).is_empty(), "taken once");
    }
}
