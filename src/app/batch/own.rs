//! The batch's own folder in the out-dir, `.certreport/` (the manifest, the lock, the
//! 汇总表's parts): it holds only the batch's own files.
//!
//! Nothing there is followed or waited on: a link in place of one of its folders is replaced
//! by a real folder (the link goes, never what it leads to); anything else in a folder's place
//! is refused. The lock is opened without following a link and without blocking: a lock that
//! is not a regular file (a pipe, a link) stops the batch with a clear message.

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::Error;
use crate::base::diagnostic::{io_reason, shown};

/// The out-dir's folder for the batch's own files.
pub const DIR: &str = ".certreport";

/// Makes `path` a real folder of the batch's own: created when missing, a link in its place
/// removed first. Anything else in its place is an error (in words).
pub fn folder(path: &Path) -> Result<PathBuf, String> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => return Ok(path.to_owned()),
        Ok(meta) if meta.is_symlink() => std::fs::remove_file(path)
            .map_err(|e| format!("无法移除链接 {}：{}", shown(path), io_reason(&e)))?,
        Ok(_) => {
            return Err(format!(
                "{} 应是 certreport 自己的文件夹，现在却是文件、管道或设备：请移走它后再运行",
                shown(path)
            ));
        }
        Err(_) => {}
    }
    std::fs::create_dir_all(path).map_err(|e| format!("无法创建目录 {}：{}", shown(path), io_reason(&e)))?;
    Ok(path.to_owned())
}

/// Locks the out-dir for this batch (until the returned file is dropped), then removes what a
/// killed batch left there.
pub fn lock(out_dir: &Path) -> Result<File, Error> {
    let dir = folder(&out_dir.join(DIR))?;
    let path = dir.join("lock");
    let not_regular = || {
        Error::Usage(format!(
            "锁文件 {} 不是普通文件（是链接、管道、设备或文件夹）：请删除它后再运行",
            shown(&path)
        ))
    };
    if std::fs::symlink_metadata(&path).is_ok_and(|meta| !meta.is_file()) {
        return Err(not_regular());
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(|e| format!("无法创建锁文件 {}：{}", shown(&path), io_reason(&e)))?;
    if !file.metadata().is_ok_and(|meta| meta.is_file()) {
        return Err(not_regular());
    }
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Err(Error::Locked { out_dir: out_dir.to_owned() }),
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(Error::Usage(format!("无法锁定输出目录 {}：{}", shown(out_dir), io_reason(&e))));
        }
    }
    crate::base::output::remove_stale_temporaries(out_dir);
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_in_place_of_the_folder_is_replaced_and_its_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("a.1.pdf"), "mine").unwrap();
        let own = dir.path().join("parts");
        std::os::unix::fs::symlink(&docs, &own).unwrap();
        folder(&own).unwrap();
        assert!(std::fs::symlink_metadata(&own).unwrap().is_dir());
        assert_eq!(std::fs::read(docs.join("a.1.pdf")).unwrap(), b"mine");
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert!(folder(&dir.path().join("file")).is_err());
    }
}
