//! `certreport serve` over real HTTP: the real binary's server on a free loopback port, its
//! answers compared with the command line's byte for byte, every error status provoked, and
//! the faults it must live through (a worker killed mid-render, heavy records at once, a
//! client gone mid-upload, malformed bodies, many requests in a row).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Workspace, certreport, example_text, repo, stdout};

/// A running server, killed when dropped.
struct Server {
    child: Child,
    address: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `certreport serve` on a free port with `args` (two workers unless told).
    fn start(args: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_certreport"));
        command.args(["serve", "--listen", "127.0.0.1:0"]);
        if !args.contains(&"--jobs") {
            command.args(["--jobs", "2"]);
        }
        let mut child = command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start certreport serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("the server says where it listens").unwrap();
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split_whitespace().next().unwrap().trim_end_matches('（').to_owned();
            }
        };
        let address = address.split('（').next().unwrap().to_owned();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server { child, address, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn get(&self, path: &str) -> Answer {
        request("GET", &self.url(path), &[], Vec::new())
    }

    fn post(&self, path: &str, form: &Form) -> Answer {
        let (content_type, body) = form.encode();
        request("POST", &self.url(path), &[("content-type", &content_type)], body)
    }

    fn post_json(&self, path: &str, json: &str) -> Answer {
        request("POST", &self.url(path), &[("content-type", "application/json")], json.as_bytes().to_vec())
    }

    /// The worker processes: the server's children.
    fn workers(&self) -> Vec<u32> {
        let mut pids = Vec::new();
        for task in std::fs::read_dir(format!("/proc/{}/task", self.child.id())).unwrap().flatten() {
            let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            pids.extend(children.split_whitespace().map(|p| p.parse::<u32>().unwrap()));
        }
        pids
    }

    /// The resident memory of the server and its workers, in KiB.
    fn resident_kib(&self) -> u64 {
        std::iter::once(self.child.id()).chain(self.workers()).map(resident_kib).sum()
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the exit code.
    fn terminate(mut self) -> Option<i32> {
        signal(self.child.id(), "TERM");
        let status = self.child.wait().unwrap();
        status.code()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).status().unwrap();
    assert!(status.success());
}

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// A response: status, headers (names in lower case) and body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts an error answer: its status, its code, a Chinese message and a request id.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.header("content-type"), Some("application/json"), "{self:?}");
        let json = self.json();
        assert_eq!(json["code"], code, "{json}");
        let message = json["message"].as_str().unwrap();
        assert!(message.chars().any(|c| c > '\u{2e80}'), "a Chinese message: {message}");
        assert!(self.header("x-request-id").is_some_and(|id| !id.is_empty()), "{self:?}");
    }
}

/// One HTTP/1.1 request on a new connection (the answers' bodies are whole: the server
/// sends a length).
fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = agent.run(builder.body(body).unwrap()).unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let mut body = Vec::new();
    response.into_body().into_reader().read_to_end(&mut body).unwrap();
    Answer { status, headers, body }
}

/// A multipart/form-data body.
#[derive(Clone, Default)]
struct Form {
    parts: Vec<(String, Option<String>, Vec<u8>)>,
}

impl Form {
    fn part(mut self, name: &str, file_name: Option<&str>, bytes: impl Into<Vec<u8>>) -> Form {
        self.parts.push((name.into(), file_name.map(str::to_owned), bytes.into()));
        self
    }

    /// A record file and the files it names, each sent under its field's name with the file
    /// name written in the record, as a client that knows the files would.
    fn record(path: &Path) -> Form {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let mut form = Form::default().part("record", Some(name), text.clone());
        for line in text.lines() {
            for field in ["profile", "previous", "scheme"] {
                let Some(written) = line.strip_prefix(&format!("{field}:")) else { continue };
                let written = written.trim();
                let file = path.parent().unwrap().join(written);
                if file.is_file() {
                    form = form.part(field, Some(written), std::fs::read(file).unwrap());
                }
            }
        }
        form
    }

    fn encode(&self) -> (String, Vec<u8>) {
        let boundary = "certreport-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, file_name, bytes) in &self.parts {
            let file_name = file_name.as_ref().map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file_name}\r\n\r\n")
                    .as_bytes(),
            );
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

/// The example record with its profile.
fn example() -> Form {
    Form::record(&repo(common::EXAMPLE))
}

/// Every record of the example and of `tests/fixtures/` (not the files they name, nor the
/// scheme file there: the service checks records).
fn records() -> Vec<PathBuf> {
    let mut records = vec![repo(common::EXAMPLE)];
    let mut walk = vec![repo("tests/fixtures")];
    while let Some(dir) = walk.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().unwrap() != "profiles" {
                walk.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml")
                && path.file_name().unwrap() != "scheme-alt.yaml"
            {
                records.push(path);
            }
        }
    }
    records.sort();
    records
}

/// A record whose 概述 is one narrative of nearly 4 MiB: slow to typeset.
fn heavy_record() -> Form {
    let sentence = "受评价方建立了完善的售后服务体系，定期开展顾客满意度调查并持续改进。";
    let mut narrative = String::new();
    while narrative.len() < 4 * 1024 * 1024 - 64 * 1024 {
        narrative.push_str(sentence);
    }
    let text = example_text();
    let start = text.find("  pre_sale: |").unwrap();
    let end = text[start..].find("  in_sale:").unwrap() + start;
    let text = format!("{}  pre_sale: \"{narrative}\"\n{}", &text[..start], &text[end..]);
    Form::default().part("record", Some("heavy.yaml"), text).part(
        "profile",
        Some("cb-profile.yaml"),
        std::fs::read(repo(common::PROFILE)).unwrap(),
    )
}

/// `certreport render` of a record, in its folder: the PDF, or `None` when it refused.
fn cli_render(record: &Path) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("out.pdf");
    let output = certreport(
        &["render", record.file_name().unwrap().to_str().unwrap(), "-o", pdf.to_str().unwrap()],
        record.parent().unwrap(),
    );
    output.status.success().then(|| std::fs::read(&pdf).unwrap())
}

/// `certreport check --format json` of a record, in its folder.
fn cli_check(record: &Path) -> String {
    let output = certreport(
        &["check", "--format", "json", record.file_name().unwrap().to_str().unwrap()],
        record.parent().unwrap(),
    );
    stdout(&output)
}

#[test]
fn every_record_renders_and_checks_as_the_command_line_does() {
    let server = Server::start(&[]);
    for record in records() {
        let form = Form::record(&record);
        let checked = server.post("/v1/check", &form);
        assert_eq!(checked.status, 200, "{}: {}", record.display(), checked.text());
        assert_eq!(checked.text() + "\n", cli_check(&record), "{}", record.display());
        let rendered = server.post("/v1/render", &form);
        match cli_render(&record) {
            Some(pdf) => {
                assert_eq!(rendered.status, 200, "{}: {}", record.display(), rendered.text());
                assert_eq!(rendered.header("content-type"), Some("application/pdf"));
                assert!(
                    rendered.body == pdf,
                    "{}: the PDF differs from the command line's",
                    record.display()
                );
            }
            None => {
                assert_eq!(rendered.status, 422, "{}", record.display());
                assert_eq!(rendered.text(), checked.text(), "{}", record.display());
            }
        }
    }
}

#[test]
fn pages_come_as_a_zip_of_the_command_line_pngs() {
    let server = Server::start(&[]);
    let answer = server.post("/v1/render?format=png&ppi=20", &example());
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/zip"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(answer.body)).expect("a ZIP");
    let dir = tempfile::tempdir().unwrap();
    let pattern = dir.path().join("cli/p-{0p}.png");
    let record = repo(common::EXAMPLE);
    let rendered = certreport(
        &["render", "baihuan-2025.yaml", "-o", pattern.to_str().unwrap(), "--ppi", "20"],
        record.parent().unwrap(),
    );
    assert!(rendered.status.success(), "{}", common::stderr(&rendered));
    let mut pages: Vec<PathBuf> =
        std::fs::read_dir(dir.path().join("cli")).unwrap().map(|e| e.unwrap().path()).collect();
    pages.sort();
    assert!(pages.len() > 1);
    assert_eq!(zip.len(), pages.len());
    for (i, page) in pages.iter().enumerate() {
        let name = page.file_name().unwrap().to_str().unwrap().replace("p-", "page-");
        let mut ours = Vec::new();
        zip.by_name(&name)
            .unwrap_or_else(|_| panic!("{name} of page {}", i + 1))
            .read_to_end(&mut ours)
            .unwrap();
        assert!(ours == std::fs::read(page).unwrap(), "page {} differs", i + 1);
    }
}

#[test]
fn next_answers_what_the_command_line_writes() {
    let server = Server::start(&[]);
    let answer = server.post("/v1/next?audit_date=2026-12-07", &example());
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.header("content-disposition"), Some("attachment; filename=\"baihuan-2026.yaml\""));
    let work = Workspace::new();
    work.write("baihuan-2025.yaml", &example_text());
    let output = certreport(&["next", "baihuan-2025.yaml", "--audit-date", "2026-12-07"], work.dir.path());
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert_eq!(answer.text(), std::fs::read_to_string(work.path("baihuan-2026.yaml")).unwrap());
    let bad = server.post("/v1/next?audit_date=2020-01-01", &example());
    bad.assert_error(400, "invalid-parameter");
}

#[test]
fn records_under_the_root_are_read_there_and_nowhere_else() {
    let root = Workspace::new();
    root.write(
        "clients/baihuan-2025.yaml",
        &example_text().replace("profile: cb-profile.yaml", "profile: ../cb-profile.yaml"),
    );
    std::os::unix::fs::symlink("/etc/hostname", root.path("clients/link-out.yaml")).unwrap();
    root.write(
        "clients/refers-out.yaml",
        &example_text().replace("profile: cb-profile.yaml", "profile: ../../outside.yaml"),
    );
    let server = Server::start(&["--root", root.dir.path().to_str().unwrap()]);
    let answer = server.post_json("/v1/render", r#"{"path": "clients/baihuan-2025.yaml"}"#);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer.body == cli_render(&root.path("clients/baihuan-2025.yaml")).unwrap());
    for path in ["../outside.yaml", "/etc/hostname", "clients/link-out.yaml", "clients/../../x.yaml"] {
        let answer = server.post_json("/v1/check", &format!(r#"{{"path": "{path}"}}"#));
        answer.assert_error(400, "invalid-path");
    }
    // A name out of the root is refused at its field, as a file that cannot be read.
    let answer = server.post_json("/v1/check", r#"{"path": "clients/refers-out.yaml"}"#);
    assert_eq!(answer.status, 200);
    let document = answer.json();
    let diagnostic = &document["records"][0]["diagnostics"][0];
    assert_eq!(diagnostic["path"], "profile", "{document}");
    assert!(diagnostic["message"].as_str().unwrap().contains("--root"), "{document}");
    server.post_json("/v1/check", r#"{"path": 1}"#).assert_error(400, "malformed-json");
}

#[test]
fn every_error_has_its_status_code_and_words() {
    let server = Server::start(&["--max-body", "5MiB"]);
    let record = std::fs::read(repo(common::EXAMPLE)).unwrap();
    server
        .post("/v1/render", &Form::default().part("profile", Some("p.yaml"), "x"))
        .assert_error(400, "missing-record");
    let twice = Form::default().part("record", None, record.clone()).part("record", None, record.clone());
    server.post("/v1/render", &twice).assert_error(400, "duplicate-part");
    let many = (0..9).fold(Form::default().part("record", None, record.clone()), |f, i| {
        f.part(&format!("f{i}"), Some(&format!("f{i}.yaml")), "x")
    });
    server.post("/v1/render", &many).assert_error(400, "too-many-parts");
    server.post("/v1/render?format=gif", &example()).assert_error(400, "invalid-parameter");
    server.post("/v1/render?format=png&ppi=0", &example()).assert_error(400, "invalid-parameter");
    server.post("/v1/render?format=png&ppi=9000", &example()).assert_error(400, "invalid-parameter");
    server.post_json("/v1/render", r#"{"path": "a.yaml"}"#).assert_error(400, "no-root");
    let malformed = request(
        "POST",
        &server.url("/v1/render"),
        &[("content-type", "multipart/form-data; boundary=abc")],
        b"--abc\r\nContent-Disposition: form-data; name=\"record\"\r\n\r\nunfinished".to_vec(),
    );
    malformed.assert_error(400, "malformed-multipart");
    let no_boundary =
        request("POST", &server.url("/v1/check"), &[("content-type", "multipart/form-data")], b"x".to_vec());
    no_boundary.assert_error(400, "malformed-multipart");
    let rebinding = request("GET", &server.url("/version"), &[("host", "evil.example:8740")], Vec::new());
    rebinding.assert_error(403, "host-not-allowed");
    server.get("/nowhere").assert_error(404, "not-found");
    server.get("/v1/schemas/nothing").assert_error(404, "not-found");
    server.get("/v1/render").assert_error(405, "method-not-allowed");
    // A body over the limit is refused by its length, before it is sent.
    let mut stream = TcpStream::connect(&server.address).unwrap();
    write!(
        stream,
        "POST /v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n",
        6 << 20
    )
    .unwrap();
    let mut head = String::new();
    BufReader::new(stream).read_line(&mut head).unwrap();
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    let part_too_large = Form::default().part("record", None, vec![b'#'; (4 << 20) + 1]);
    server.post("/v1/check", &part_too_large).assert_error(413, "payload-too-large");
    let text = request("POST", &server.url("/v1/render"), &[("content-type", "text/plain")], record.clone());
    text.assert_error(415, "unsupported-media-type");
    // A record with errors: 422 and the check document.
    let broken = Form::record(&repo("tests/fixtures/broken/five-problems.yaml"));
    let answer = server.post("/v1/render", &broken);
    assert_eq!(answer.status, 422);
    assert!(answer.json()["records"][0]["errors"].as_u64().unwrap() > 0);
    // A missing referenced file is the record's problem, at its field.
    let alone = server.post("/v1/check", &Form::default().part("record", Some("r.yaml"), record.clone()));
    let document = alone.json();
    let diagnostic = &document["records"][0]["diagnostics"][0];
    assert_eq!(diagnostic["path"], "profile", "{document}");
    assert!(diagnostic["message"].as_str().unwrap().contains("未随请求上传"), "{document}");
    // The request id is taken from the request when given.
    let given = request("GET", &server.url("/health"), &[("x-request-id", "abc-123")], Vec::new());
    assert_eq!(given.header("x-request-id"), Some("abc-123"));
    // The schemas and the version.
    let schema = server.get("/v1/schemas/record");
    assert_eq!(schema.status, 200);
    assert_eq!(schema.text().trim_end(), stdout(&certreport(&["schema", "record"], &repo("."))).trim_end());
    assert_eq!(server.get("/version").json()["version"], env!("CARGO_PKG_VERSION"));
    // One log line per request, without the record's text.
    let log = server.log().join("\n");
    assert!(log.contains("POST /v1/render 422 "), "{log}");
    assert!(log.contains("GET /health 200 ") && log.contains(" abc-123"), "{log}");
    assert!(!log.contains("重庆百环"), "the record's text is never logged:\n{log}");
}

#[test]
fn the_openapi_document_is_the_committed_one() {
    let server = Server::start(&[]);
    let answer = server.get("/v1/openapi.json");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), std::fs::read_to_string(repo("schemas/openapi.json")).unwrap());
}

#[test]
fn a_token_guards_every_route_but_health() {
    let work = Workspace::new();
    let token = "0123456789abcdef0123456789abcdef";
    work.write("token", &format!("{token}\n"));
    let server = Server::start(&["--token-file", work.path("token").to_str().unwrap()]);
    assert_eq!(server.get("/health").status, 200);
    server.get("/version").assert_error(401, "unauthorized");
    let wrong = request(
        "GET",
        &server.url("/version"),
        &[("authorization", "Bearer 0123456789abcdef0123456789abcdeX")],
        Vec::new(),
    );
    wrong.assert_error(401, "unauthorized");
    assert_eq!(wrong.header("www-authenticate"), Some("Bearer"));
    let (content_type, body) = example().encode();
    let bearer = format!("Bearer {token}");
    let right = request(
        "POST",
        &server.url("/v1/check"),
        &[("authorization", &bearer), ("content-type", &content_type)],
        body,
    );
    assert_eq!(right.status, 200, "{}", right.text());
    // Another address than loopback needs a token; a short token is refused.
    let open = certreport(&["serve", "--listen", "0.0.0.0:0"], work.dir.path());
    assert_eq!(open.status.code(), Some(2));
    assert!(common::stderr(&open).contains("--token-file"), "{}", common::stderr(&open));
    work.write("short", "abc\n");
    let short = certreport(&["serve", "--listen", "127.0.0.1:0", "--token-file", "short"], work.dir.path());
    assert_eq!(short.status.code(), Some(2));
}

#[test]
fn limits_answer_429_503_504_and_the_server_lives() {
    // Time: a heavy record is stopped, its worker replaced; a small check still answers.
    let server = Server::start(&["--jobs", "1", "--render-timeout", "300ms"]);
    server.post("/v1/render", &heavy_record()).assert_error(504, "render-timeout");
    let small = Form::default().part("record", None, "a: [unclosed");
    assert_eq!(server.post("/v1/check", &small).status, 200);
    drop(server);
    // Memory: under a limit below any worker's size, a render is stopped; the server lives.
    let server = Server::start(&["--jobs", "1", "--memory-limit", "8MiB"]);
    server.post("/v1/render", &example()).assert_error(503, "memory-limit");
    assert_eq!(server.get("/health").status, 200);
    server.post("/v1/render", &example()).assert_error(503, "memory-limit");
    drop(server);
    // Queue: one worker, one place in the queue; the others are told when to come back.
    let server = Server::start(&["--jobs", "1", "--queue", "1", "--render-timeout", "2s"]);
    let heavy = heavy_record();
    let answers: Vec<Answer> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..5).map(|_| scope.spawn(|| server.post("/v1/render", &heavy))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert!(busy.len() >= 3, "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    for answer in busy {
        answer.assert_error(429, "queue-full");
        assert!(answer.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    }
}

#[test]
fn a_worker_killed_mid_render_fails_only_its_request() {
    let server = Server::start(&["--jobs", "1"]);
    let heavy = heavy_record();
    let idle = cpu_seconds(server.workers()[0]);
    std::thread::scope(|scope| {
        let render = scope.spawn(|| server.post("/v1/render", &heavy));
        // Kill the worker once it is rendering: it has used a second of processor time.
        let started = Instant::now();
        loop {
            let workers = server.workers();
            assert_eq!(workers.len(), 1);
            if cpu_seconds(workers[0]) >= idle + 1.0 {
                signal(workers[0], "KILL");
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "the worker never got busy");
            std::thread::sleep(Duration::from_millis(20));
        }
        render.join().unwrap().assert_error(503, "worker-failed");
    });
    let answer = server.post("/v1/render", &example());
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer.body.starts_with(b"%PDF"));
}

/// The processor time a process has used since it started.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|f| f.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|f| f.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

#[test]
fn heavy_records_at_once_do_not_stop_good_ones() {
    let server = Server::start(&["--render-timeout", "5s"]);
    let heavy = heavy_record();
    let good = example();
    std::thread::scope(|scope| {
        let heavies: Vec<_> = (0..8).map(|_| scope.spawn(|| server.post("/v1/render", &heavy))).collect();
        let goods: Vec<_> = (0..4).map(|_| scope.spawn(|| server.post("/v1/render", &good))).collect();
        for _ in 0..20 {
            assert_eq!(server.get("/health").status, 200);
        }
        for good in goods {
            let answer = good.join().unwrap();
            assert_eq!(answer.status, 200, "{}", answer.text());
        }
        for heavy in heavies {
            let status = heavy.join().unwrap().status;
            assert!([200, 422, 504].contains(&status), "{status}");
        }
    });
}

#[test]
fn a_client_gone_mid_upload_and_malformed_bodies_leave_the_server_up() {
    let server = Server::start(&[]);
    for _ in 0..3 {
        let mut stream = TcpStream::connect(&server.address).unwrap();
        write!(
            stream,
            "POST /v1/render HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"record\"\r\n\r\n",
            server.address
        )
        .unwrap();
        stream.write_all(&[b'#'; 10_000]).unwrap();
        drop(stream);
    }
    let malformed: [&[u8]; 6] = [
        b"",
        b"--b\r\n",
        b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n",
        b"--b\r\nContent-Disposition: form-data; name=\"record\"\r\nno blank line",
        b"garbage without any boundary",
        b"--b\r\nContent-Disposition: form-data; name=\"record\"; filename=\"\xff\xfe\"\r\n\r\n\xff\xfe\xfd\r\n--b--\r\n",
    ];
    for body in malformed {
        let answer = request(
            "POST",
            &server.url("/v1/render"),
            &[("content-type", "multipart/form-data; boundary=b")],
            body.to_vec(),
        );
        assert!([400, 422].contains(&answer.status), "{}: {}", answer.status, answer.text());
    }
    let answer = server.post("/v1/render", &example());
    assert_eq!(answer.status, 200, "{}", answer.text());
    let log = server.log().join("\n");
    assert!(log.matches("POST /v1/render 400 ").count() >= 3, "{log}");
    drop(server);
    // A client that stops sending is told 408 once the request time limit is past.
    let server = Server::start(&["--request-timeout", "300ms"]);
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.write_all(b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000\r\n\r\n--b\r\n").unwrap();
    let mut head = String::new();
    BufReader::new(stream).read_line(&mut head).unwrap();
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert_eq!(server.get("/health").status, 200);
}

#[test]
fn ten_thousand_requests_do_not_grow_the_memory() {
    let server = Server::start(&[]);
    let small = Form::default().part("record", Some("r.yaml"), "profile: p.yaml\nclient: [\n");
    let (content_type, body) = small.encode();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let send = |i: usize| {
        let status = match i % 4 {
            0 => agent.get(&server.url("/health")).call().unwrap().status(),
            1 => agent.get(&server.url("/v1/missing")).call().unwrap().status(),
            _ => agent
                .post(&server.url("/v1/check"))
                .header("content-type", &content_type)
                .send(&body[..])
                .unwrap()
                .status(),
        };
        assert!([200, 404].contains(&status.as_u16()), "{status}");
    };
    (0..1000).for_each(send);
    let before = server.resident_kib();
    (1000..10_000).for_each(send);
    let after = server.resident_kib();
    assert!(after < before + 16 * 1024, "resident memory grew from {before} KiB to {after} KiB");
}

#[test]
fn sigterm_lets_the_render_in_flight_finish_and_exits_0() {
    let server = Server::start(&["--jobs", "1"]);
    let idle = cpu_seconds(server.workers()[0]);
    let address = server.url("/v1/render");
    let (content_type, body) = example().encode();
    let render =
        std::thread::spawn(move || request("POST", &address, &[("content-type", &content_type)], body));
    // The render is under way once the worker has used processor time.
    let started = Instant::now();
    while cpu_seconds(server.workers()[0]) < idle + 0.05 {
        assert!(started.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(5));
    }
    let address = server.address.clone();
    assert_eq!(server.terminate(), Some(0));
    assert_eq!(render.join().unwrap().status, 200);
    assert!(TcpStream::connect(address).is_err(), "no longer listening");
}

/// A profile sent with a request names its logo and its template folder: the logo is read only
/// from what the request sent (never from the server's disk, whatever the name), and the
/// folder is never read — the service's own `--template` is the only template it uses.
#[test]
fn a_profiles_logo_and_template_come_only_from_the_request() {
    let server = Server::start(&[]);
    let profile = std::fs::read_to_string(repo("examples/cb-profile.yaml")).unwrap();
    let example = Form::record(&repo(common::EXAMPLE));
    let with_profile = |profile: String| {
        let mut form = Form::default();
        for (name, file_name, bytes) in &example.parts {
            let bytes = if name == "profile" { profile.clone().into_bytes() } else { bytes.clone() };
            form = form.part(name, file_name.as_deref(), bytes);
        }
        form
    };
    // A logo the request did not send is a problem of the profile, even a file the server has.
    let logo = repo("examples/house-style-b/logo.svg");
    let named = format!("{profile}logo: {}\n", logo.display());
    let answer = server.post("/v1/check", &with_profile(named.clone()));
    assert!(answer.text().contains("未随请求上传"), "{}", answer.text());
    assert!(answer.text().contains("\"path\": \"logo\""), "{}", answer.text());
    // Sent with the request, it is used.
    let svg = std::fs::read(&logo).unwrap();
    let form = with_profile(named).part("logo", Some(&logo.display().to_string()), svg);
    let answer = server.post("/v1/render", &form);
    assert_eq!(answer.status, 200, "{}", answer.text());
    // A template folder named by the profile is refused at its field, unread.
    let answer = server.post("/v1/check", &with_profile(format!("{profile}template: /\n")));
    assert!(answer.text().contains("--template"), "{}", answer.text());
    assert!(answer.text().contains("\"path\": \"template\""), "{}", answer.text());
}
