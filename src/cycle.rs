//! The certification cycle: initial → surveillance 1 → surveillance 2 → recertification →
//! surveillance 1 …, and what one year's record tells the next.
//!
//! [`next_record`] derives next year's record: it carries over the client, sites, contact,
//! team, scope and profile, sets the audit type and the covered period, names this record as
//! `previous`, and leaves scores, findings, narratives and conclusion empty so that `check`
//! lists what the auditor still has to write. (1.14's changes between the two records are
//! computed by [`crate::changes`].)

use std::path::{Component, Path, PathBuf};

use crate::date::{Date, DateHalf};
use crate::diagnostic::Diagnostic;
use crate::load::{self, Source};
use crate::record::{AuditType, Changes, Conclusion, Record};
use crate::schema;

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
/// this one); `previous` is how the new record will name this one.
pub fn next_record(record: &Record, start: Option<Date>, previous: String) -> Record {
    let stage = Stage::of(record).next();
    let start_date = start.unwrap_or_else(|| record.audit.start.date.add_years(1));
    let length = days_between(record.audit.start.date, record.audit.end.date);
    let end_date = add_days(start_date, length);
    let mut audit = record.audit.clone();
    audit.start = DateHalf { date: start_date, half: record.audit.start.half };
    audit.end = DateHalf { date: end_date, half: record.audit.end.half };
    audit.previous_end = Some(record.audit.end.date);
    audit.mystery_shopping = None;
    let mut scope = record.scope.clone();
    scope.level = None;
    scope.level_reason = None;
    Record {
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
    }
}

/// Why `next` could not write a record.
#[derive(Debug)]
pub enum NextError {
    /// The record cannot be loaded.
    Invalid(Vec<Diagnostic>),
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
    let source = Source::read(file).map_err(|d| NextError::Invalid(vec![d]))?;
    let record: Record = source.parse().map_err(NextError::Invalid)?;
    if let Some(start) = start
        && start <= record.audit.end.date
    {
        return Err(NextError::Usage(format!(
            "下一次审查的开始日期 {start} 须晚于本次审查结束 {}",
            record.audit.end.date
        )));
    }
    let next_start = start.unwrap_or_else(|| record.audit.start.date.add_years(1));
    let output = match output {
        Some(path) => path.to_owned(),
        None => default_output(file, record.audit.start.date.year(), next_start.year()),
    };
    if output.exists() {
        return Err(NextError::Usage(format!("{} 已存在，不会覆盖：请用 -o 指定新文件名", output.display())));
    }
    let out_dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut next = next_record(&record, start, relative_to(file, out_dir));
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
        next.client.name,
        next.audit_type.label(),
        file.display()
    );
    crate::output::write_atomic(&output, text.as_bytes())
        .map_err(|e| NextError::Usage(format!("无法写入 {}：{e}", output.display())))?;
    Ok(output)
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
fn relative_to(target: &Path, dir: &Path) -> String {
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

fn days_between(from: Date, to: Date) -> u32 {
    let mut days = 0;
    let mut day = from;
    while day < to && days < 366 {
        day = add_days(day, 1);
        days += 1;
    }
    days
}

fn add_days(date: Date, days: u32) -> Date {
    let mut date = date;
    for _ in 0..days {
        date = Date::new(date.year(), date.month(), date.day() + 1)
            .or_else(|| Date::new(date.year(), date.month() + 1, 1))
            .or_else(|| Date::new(date.year() + 1, 1, 1))
            .expect("the next day exists");
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_runs_initial_surveillance_twice_recertification() {
        let mut record = Record { audit_type: AuditType::Initial, ..Record::default() };
        let mut seen = Vec::new();
        for _ in 0..4 {
            record = next_record(&record, None, "prev.yaml".into());
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
        let next = next_record(&record, None, "this.yaml".into());
        assert_eq!(next.audit.start.to_string(), "2026-12-03 am");
        assert_eq!(next.audit.end.to_string(), "2026-12-04 pm");
        assert_eq!(next.audit.previous_end.unwrap().to_string(), "2025-12-04");
        assert!(next.findings.is_empty() && next.scores.is_empty());
        assert_eq!(next.previous.as_deref(), Some("this.yaml"));
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
