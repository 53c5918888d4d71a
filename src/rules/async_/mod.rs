//! asyncio rules (ASYNC).
use super::Rule;

pub mod async001_check_then_act_across_await;
pub mod async002_dangling_task;
pub mod async003_blocking_call_in_async;
pub mod async004_busy_wait_loop;
pub mod async005_background_task_never_cancelled;
pub mod async006_cancellation_swallowed;
pub mod async007_state_flag_not_reset_in_finally;
pub mod async008_unbounded_fan_out;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &async001_check_then_act_across_await::Async001,
        &async002_dangling_task::Async002,
        &async003_blocking_call_in_async::Async003,
        &async004_busy_wait_loop::Async004,
        &async005_background_task_never_cancelled::Async005,
        &async006_cancellation_swallowed::Async006,
        &async007_state_flag_not_reset_in_finally::Async007,
        &async008_unbounded_fan_out::Async008,
    ]
}
