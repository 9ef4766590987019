//! chaff for Python: a `Scorer` whose reports are the JSON records of `chaff score`, as dicts.
//!
//! Scoring runs without the GIL: `score_many` scores a batch on a rayon pool while other Python
//! threads run, and a `Scorer` pickles as its model's JSON, so that Spark or multiprocessing
//! workers rebuild it (a few milliseconds) instead of sharing one.

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::prelude::*;

/// Scores scraped health pages for reliability and SEO spam, and explains every score.
///
/// `Scorer()` uses the model built into chaff; `Scorer(model="model.json")` a model file that
/// `chaff train` wrote. A Scorer is cheap to share between threads and to pickle.
#[pyclass(module = "chaff", frozen)]
struct Scorer {
    scorer: chaff::Scorer,
    /// The model's JSON and where it came from, kept for pickling.
    model: (String, String),
}

/// Python's `json.loads`, which reads a report's JSON into plain dicts, lists, floats and
/// strings: looked up once per call, not once per report.
fn json_loads(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("json")?.getattr("loads")
}

fn report_json(report: &chaff::Report) -> String {
    serde_json::to_string(report).expect("a report always serialises")
}

#[pymethods]
impl Scorer {
    #[new]
    #[pyo3(signature = (model = None))]
    fn new(model: Option<std::path::PathBuf>) -> PyResult<Self> {
        let (json, origin) = match model {
            None => (chaff::BUILTIN_MODEL.to_owned(), "built-in".to_owned()),
            Some(path) => {
                let json = std::fs::read_to_string(&path)
                    .map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))?;
                (json, path.display().to_string())
            }
        };
        Self::from_model_json(json, origin)
    }

    /// A Scorer from a model's JSON text (what pickling stores).
    #[staticmethod]
    fn from_model_json(json: String, origin: String) -> PyResult<Self> {
        let scorer = chaff::Scorer::with_model_json(&json, &origin)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Scorer {
            scorer,
            model: (json, origin),
        })
    }

    /// Scores plain text; returns the report as a dict (the fields of `chaff score`'s JSON).
    fn score<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
        let json = py.detach(|| report_json(&self.scorer.score(text)));
        json_loads(py)?.call1((json,))
    }

    /// Scores an HTML page (its readable text, title and links); returns the report as a dict.
    fn score_html<'py>(&self, py: Python<'py>, html: &str) -> PyResult<Bound<'py, PyAny>> {
        let json = py.detach(|| report_json(&self.scorer.score_html(html)));
        json_loads(py)?.call1((json,))
    }

    /// Scores many documents in parallel without the GIL; returns their reports in order.
    /// `threads` bounds the threads used (default: one per core); `html` reads every document
    /// as HTML.
    #[pyo3(signature = (texts, threads = None, html = false))]
    fn score_many<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        threads: Option<usize>,
        html: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        if threads == Some(0) {
            return Err(PyValueError::new_err("threads must be at least 1"));
        }
        let score = |text: &String| {
            report_json(&if html {
                self.scorer.score_html(text)
            } else {
                self.scorer.score(text)
            })
        };
        let reports: Vec<String> = py
            .detach(|| match threads {
                None => Ok(texts.par_iter().map(score).collect()),
                Some(n) => rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map(|pool| pool.install(|| texts.par_iter().map(score).collect())),
            })
            .map_err(|e| PyOSError::new_err(format!("thread pool: {e}")))?;
        let loads = json_loads(py)?;
        let dicts = reports
            .iter()
            .map(|json| loads.call1((json,)))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, dicts)
    }

    /// The model's signals, in feature order, as (id, name, family) tuples.
    fn signals(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        self.scorer
            .specs()
            .iter()
            .map(|s| (s.id, s.name, s.family.name()))
            .collect()
    }

    /// Pickles as the model's JSON: a worker rebuilds the Scorer from it.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
        let rebuild = slf.get_type().getattr("from_model_json")?;
        let this = slf.get();
        Ok((rebuild, (this.model.0.clone(), this.model.1.clone())))
    }

    fn __repr__(&self) -> String {
        format!("chaff.Scorer(model={:?})", self.model.1)
    }
}

#[pymodule]
fn _chaff(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scorer>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
