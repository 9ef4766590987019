fn main() {
    let t = std::time::Instant::now();
    let p = chaff::Pipeline::default();
    let a = t.elapsed();
    let specs = p.specs();
    let t = std::time::Instant::now();
    let _m = chaff::Model::from_json(chaff::BUILTIN_MODEL, "b", &specs).unwrap();
    let b = t.elapsed();
    let t = std::time::Instant::now();
    for _ in 0..20 {
        let _ = chaff::Scorer::default();
    }
    println!(
        "pipeline {:?} model {:?} scorer {:?}",
        a,
        b,
        t.elapsed() / 20
    );
}
