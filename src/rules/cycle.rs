//! The certification cycle: initial → surveillance 1 → surveillance 2 → recertification →
//! surveillance 1 …, and what one year's record tells the next.
//!
//! [`next_record`] derives next year's record: it carries over the client, sites, contact,
//! team, scope and profile, sets the audit type and the covered period, names this record as
//! `previous`, and leaves scores, findings, narratives and conclusion empty so that `check`
//! lists what the auditor still has to write. (1.14's changes between the two records are
//! computed by [`crate::rules::changes`].)

use std::path::{Component, Path, PathBuf};

use crate::base::date::{Date, DateHalf};
use crate::base::diagnostic::{escape_where, io_reason, is_control_or_bidi, shown};
use crate::load::{self, LoadError, Source};
use crate::model::record::{AuditType, Changes, Conclusion, Record};
use crate::model::schema;

/// Where a record stands in the three-year cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Initial,
    /// 第 n 次监督 (1 or 2)
    Surveillance(u8),
    Recertification,
}

impl Stage {
    pub fn of(record: &Record) -> Stage {
        match record.audit_type {
            AuditType::Initial => Stage::Initial,
            AuditType::Surveillance => Stage::Surveillance(record.surveillance_number.unwrap_or(1)),
            AuditType::Recertification => Stage::Recertification,
        }
    }

    /// The audit that follows this one.
    pub fn next(self) -> Stage {
        match self {
            Stage::Initial | Stage::Recertification => Stage::Surveillance(1),
            Stage::Surveillance(1) => Stage::Surveillance(2),
            Stage::Surveillance(_) => Stage::Recertification,
        }
    }

    fn audit_type(self) -> AuditType {
        match self {
            Stage::Initial => AuditType::Initial,
            Stage::Surveillance(_) => AuditType::Surveillance,
            Stage::Recertification => AuditType::Recertification,
        }
    }
}

/// Next year's record. `start` is the first day of the next audit (default: a year after
/// this one); `previous` is how the new record will name this one. The next audit lasts as
/// many days as this one. `Err` (in words) when its dates would fall past the last year a
/// record may hold.
pub fn next_record(record: &Record, start: Option<Date>, previous: String) -> Result<Record, String> {
    let stage = Stage::of(record).next();
    let start_date = match start {
        Some(start) => start,
        None => next_start(record)?,
    };
    let length = record.audit.start.date.days_until(record.audit.end.date).max(0);
    let end_date = start_date.add_days(length).ok_or_else(|| {
        format!("下一次审查自 {start_date} 起持续 {length} 天，结束日期超出了记录可用的年份")
    })?;
    let mut audit = record.audit.clone();
    audit.start = DateHalf { date: start_date, half: record.audit.start.half };
    audit.end = DateHalf { date: end_date, half: record.audit.end.half };
    audit.previous_end = Some(record.audit.end.date);
    audit.mystery_shopping = None;
    let mut scope = record.scope.clone();
    scope.level = None;
    scope.level_reason = None;
    Ok(Record {
        profile: record.profile.clone(),
        scheme: record.scheme.clone(),
        previous: Some(previous),
        project_number: record.project_number.clone(),
        audit_type: stage.audit_type(),
        surveillance_number: match stage {
            Stage::Surveillance(n) => Some(n),
            _ => None,
        },
        client: record.client.clone(),
        scope,
        audit,
        changes: Some(Changes::default()),
        remote_audit: record.remote_audit.clone(),
        conclusion: Conclusion { author: String::new(), date: None, recommendation: None },
        ..Record::default()
    })
}

/// The first day of the next audit by default: a year after this one's.
fn next_start(record: &Record) -> Result<Date, String> {
    let start = record.audit.start.date;
    start.add_years(1).ok_or_else(|| format!("{start} 一年后超出了记录可用的年份"))
}

/// Why `next` could not write a record.
#[derive(Debug)]
pub enum NextError {
    /// The record cannot be loaded.
    Load(LoadError),
    /// Bad arguments or an I/O problem.
    Usage(String),
}

/// Reads a record file, derives the next record and writes it (never over an existing file).
/// Returns the path written.
pub fn next_record_file(
    file: &Path,
    output: Option<&Path>,
    start: Option<&str>,
) -> Result<PathBuf, NextError> {
    let start = start.map(Date::parse).transpose().map_err(NextError::Usage)?;
    let source = Source::read(file).map_err(|d| NextError::Load(LoadError::Unreadable(d)))?;
    let record: Record = source.parse().map_err(|d| NextError::Load(LoadError::Invalid(d)))?;
    if let Some(start) = start
        && start <= record.audit.end.date
    {
        return Err(NextError::Usage(format!(
            "下一次审查的开始日期 {start} 须晚于本次审查结束 {}",
            record.audit.end.date
        )));
    }
    let next_start = match start {
        Some(start) => start,
        None => next_start(&record).map_err(NextError::Usage)?,
    };
    let output = match output {
        Some(path) => path.to_owned(),
        None => default_output(file, record.audit.start.date.year(), next_start.year()),
    };
    // A link counts as there, even when it leads nowhere.
    if output.symlink_metadata().is_ok() {
        return Err(exists(&output));
    }
    let out_dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut next = next_record(&record, start, relative_to(file, out_dir)).map_err(NextError::Usage)?;
    next.profile = relative_to(&load::resolve(file, &record.profile), out_dir);
    if let Some(scheme) = &record.scheme
        && (scheme.ends_with(".yaml") || scheme.ends_with(".yml"))
    {
        next.scheme = Some(relative_to(&load::resolve(file, scheme), out_dir));
    }
    let yaml = serde_saphyr::to_string(&next).map_err(|e| NextError::Usage(format!("无法生成记录：{e}")))?;
    // The schema line editors read stays first, its path taken from the new record's folder.
    let modeline = schema::modeline_target(&source.text)
        .map(|target| {
            if target.contains("://") {
                schema::modeline(target)
            } else {
                schema::modeline(&relative_to(&load::resolve(file, target), out_dir))
            }
        })
        .map(|line| line + "\n")
        .unwrap_or_default();
    let text = format!(
        "{modeline}# {} 的{}审查记录，由 certreport next 自 {} 生成。\n# 请填写得分（scores）、评价结果（findings）、概述（overview）、内部评价、建议、证书使用与结论，\n# 再运行 certreport check 查看尚缺的内容。\n{yaml}",
        comment_text(&next.client.name),
        next.audit_type.label(),
        comment_text(&file.display().to_string())
    );
    crate::base::output::write_new(&output, text.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists(&output),
        _ => NextError::Usage(format!("无法写入 {}：{}", shown(&output), io_reason(&e))),
    })?;
    Ok(output)
}

/// Text for a `#` comment line: nothing in it can end the comment (line breaks, controls and
/// the Unicode line and paragraph separators are written as `<U+XXXX>`).
fn comment_text(text: &str) -> String {
    escape_where(text, |c| is_control_or_bidi(c) || matches!(c, '\u{2028}' | '\u{2029}')).into_owned()
}

fn exists(output: &Path) -> NextError {
    NextError::Usage(format!("{} 已存在，不会覆盖：请用 -o 指定新文件名", shown(output)))
}

/// `records/baihuan-2025.yaml` → `records/baihuan-2026.yaml`; a name without this year gets
/// the new year appended.
fn default_output(file: &Path, year: u16, next_year: u16) -> PathBuf {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("record");
    let name = if stem.contains(&year.to_string()) {
        stem.replacen(&year.to_string(), &next_year.to_string(), 1)
    } else {
        format!("{stem}-{next_year}")
    };
    file.with_file_name(format!("{name}.yaml"))
}

/// `target` as a path relative to `dir` where both are relative or both absolute; otherwise
/// the absolute path.
pub fn relative_to(target: &Path, dir: &Path) -> String {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let (target, dir) = (absolute(target), absolute(dir));
    let t: Vec<Component> = target.components().collect();
    let d: Vec<Component> = dir.components().collect();
    let common = t.iter().zip(&d).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return target.display().to_string();
    }
    let mut relative = PathBuf::new();
    for _ in common..d.len() {
        relative.push("..");
    }
    for component in &t[common..] {
        relative.push(component);
    }
    relative.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_runs_initial_surveillance_twice_recertification() {
        let mut record = Record { audit_type: AuditType::Initial, ..Record::default() };
        let mut seen = Vec::new();
        for _ in 0..4 {
            record = next_record(&record, None, "prev.yaml".into()).unwrap();
            seen.push(Stage::of(&record));
        }
        assert_eq!(
            seen,
            vec![
                Stage::Surveillance(1),
                Stage::Surveillance(2),
                Stage::Recertification,
                Stage::Surveillance(1)
            ]
        );
    }

    #[test]
    fn next_record_moves_the_period_and_empties_the_findings() {
        let mut record = Record::default();
        record.audit.start = DateHalf::parse("2025-12-03 am").unwrap();
        record.audit.end = DateHalf::parse("2025-12-04 pm").unwrap();
        record.findings.push(Default::default());
        let next = next_record(&record, None, "this.yaml".into()).unwrap();
        assert_eq!(next.audit.start.to_string(), "2026-12-03 am");
        assert_eq!(next.audit.end.to_string(), "2026-12-04 pm");
        assert_eq!(next.audit.previous_end.unwrap().to_string(), "2025-12-04");
        assert!(next.findings.is_empty() && next.scores.is_empty());
        assert_eq!(next.previous.as_deref(), Some("this.yaml"));
    }

    #[test]
    fn a_long_audit_keeps_its_length_without_a_cap() {
        let mut record = Record::default();
        record.audit.start = DateHalf::parse("2025-01-06 am").unwrap();
        record.audit.end = DateHalf::parse("2026-03-02 pm").unwrap();
        let start = Date::parse("2027-01-04").unwrap();
        let next = next_record(&record, Some(start), "this.yaml".into()).unwrap();
        assert_eq!(next.audit.end.to_string(), "2028-02-28 pm"); // 420 days, as before
        let late = Date::parse("2999-12-01").unwrap();
        assert!(next_record(&record, Some(late), "this.yaml".into()).unwrap_err().contains("超出"));
    }

    #[test]
    fn comments_stay_one_line() {
        let name = "重庆百环\nscope: {text: 注入}\r\u{85}\u{2028}\u{2029}#";
        let comment = comment_text(name);
        assert!(!comment.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']), "{comment}");
        assert!(comment.starts_with("重庆百环<U+000A>scope"), "{comment}");
    }

    #[test]
    fn default_output_moves_the_year() {
        assert_eq!(
            default_output(Path::new("r/baihuan-2025.yaml"), 2025, 2026),
            PathBuf::from("r/baihuan-2026.yaml")
        );
        assert_eq!(default_output(Path::new("r/x.yaml"), 2025, 2026), PathBuf::from("r/x-2026.yaml"));
    }

    #[test]
    fn relative_paths_between_folders() {
        assert_eq!(relative_to(Path::new("/a/b/p.yaml"), Path::new("/a/c")), "../b/p.yaml");
        assert_eq!(relative_to(Path::new("/a/p.yaml"), Path::new("/a")), "p.yaml");
    }
}
