//! Time per pipeline stage for one record, against the floor: a bare Typst compile and PDF
//! export of the same template and data.
//!
//!     cargo bench --bench stages
//!
//! The engine (fonts indexed, template parsed) is built once, as in a batch. Every stage then
//! runs over `ITERATIONS` variants of the example record (each with another client name, which
//! every page prints, so no layout can be reused from the previous record), after a warm-up;
//! the mean per record is printed.

use std::path::Path;
use std::time::{Duration, Instant};

use certreport::load::{self, Source};
use certreport::report::{Engine, Tagging, Template};
use certreport::rules::pipeline;

const ITERATIONS: u32 = 40;

/// Runs `run` on every input after a warm-up on the first; the mean time and the outputs.
fn mean<I, T>(inputs: &[I], mut run: impl FnMut(&I) -> T) -> (Duration, Vec<T>) {
    run(&inputs[0]);
    let start = Instant::now();
    let outputs: Vec<T> = inputs.iter().map(&mut run).collect();
    (start.elapsed() / inputs.len() as u32, outputs)
}

fn ms(d: Duration) -> String {
    format!("{:8.3} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/baihuan-2025.yaml");
    let text = std::fs::read_to_string(&file).expect("the example record");

    let texts: Vec<String> = (0..ITERATIONS)
        .map(|i| text.replace("重庆百环环保科技有限公司", &format!("重庆百环环保科技第{i}有限公司")))
        .collect();

    let start = Instant::now();
    let engine = Engine::new(&[]).expect("the engine");
    let engine_time = start.elapsed();

    let (load, loaded) =
        mean(&texts, |text| load::load_source(Source::new(file.clone(), text.clone())).expect("loads"));
    let (check, checked) = mean(&loaded, |loaded| pipeline::check_loaded(loaded.clone()));
    assert!(checked.iter().all(|c| !c.has_errors()));
    let (view, data) = mean(&checked, |checked| {
        let view = checked.view();
        (view.to_json(), view.meta.report_date)
    });
    let (typeset, documents) =
        mean(&data, |(json, date)| engine.typeset(Template::Report, json.clone(), *date).expect("typesets"));
    let date = data[0].1;
    let (export, pdfs) = mean(&documents, |document| {
        engine.export(document, "bench", date, Tagging::Tagged).expect("exports")
    });

    // The floor: Typst alone, on the same template and data (fresh variants, so that nothing
    // is served from the cache of the runs above).
    let fresh = |tag: &str| -> Vec<(Vec<u8>, certreport::base::date::Date)> {
        checked
            .iter()
            .map(|c| {
                let view = c.view();
                let json = String::from_utf8(view.to_json()).expect("UTF-8").replace("第", tag);
                (json.into_bytes(), view.meta.report_date)
            })
            .collect()
    };
    let floor_data = fresh("之");
    let (floor, _) = mean(&floor_data, |(json, date)| {
        let document = engine.typeset(Template::Report, json.clone(), *date).expect("typesets");
        engine.export(&document, "bench", *date, Tagging::Tagged).expect("exports")
    });
    // The whole pipeline for one record, as `batch` runs it.
    let full_texts: Vec<String> = texts.iter().map(|t| t.replace("第", "号")).collect();
    let (full, _) = mean(&full_texts, |text| {
        let loaded = load::load_source(Source::new(file.clone(), text.clone())).expect("loads");
        let checked = pipeline::check_loaded(loaded);
        engine.render(&checked.view()).expect("renders")
    });
    let (document, pdf) = (&documents[0], &pdfs[0]);

    println!(
        "certreport stages, one record ({} pages of PDF, {} bytes), mean of {ITERATIONS}",
        document.pages().len(),
        pdf.len()
    );
    println!("  engine (once per process) {}  ({} font faces indexed)", ms(engine_time), engine.font_count());
    println!("  load (YAML, profile)      {}", ms(load));
    println!("  validate + score          {}", ms(check));
    println!("  report data (JSON)        {}", ms(view));
    println!("  typeset                   {}", ms(typeset));
    println!("  PDF export                {}", ms(export));
    println!("  ----");
    println!("  full pipeline per record  {}", ms(full));
    println!("  floor: typeset + export   {}", ms(floor));
    println!("  full / floor              {:8.3}  (target <= 1.2)", full.as_secs_f64() / floor.as_secs_f64());
}
