//! A watch session's events on standard error, one line each.

use certreport::app::watch::Event;
use certreport::errln;
use certreport::report::target::describe_written;

/// Prints one event of a watch session.
pub fn show(event: Event) {
    match event {
        Event::Watching { record } => {
            errln!("正在监视 {} 及其引用的文件（按 Ctrl-C 结束）", record.display());
        }
        Event::Problems { diagnostics } => {
            for diagnostic in diagnostics {
                errln!("{diagnostic}");
            }
        }
        Event::Updated { written, seconds } => {
            errln!("已更新 {}（{seconds:.2} 秒）", describe_written(&written))
        }
        Event::Invalid { record } => {
            errln!("{}：记录有错误，报告未更新（保留上次生成的报告）", record.display());
        }
        Event::NotUpdated { error } => errln!("错误：{error}；报告未更新"),
        Event::Warning(warning) => errln!("警告：{warning}"),
    }
}
