//! Whatever bytes arrive as an uploaded roster, reading them must end in rows or a refusal,
//! never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

const HEADERS: [&str; 13] = [
    "姓名", "身份证号", "性别", "民族", "出生日期", "手机号", "学历", "人员类别", "入党日期",
    "转正日期", "党员状态", "流动党员", "所在支部代码",
];

fuzz_target!(
    // libFuzzer's hook aborts on any panic, even one the reader catches and turns into a
    // refusal (it guards calamine's): the default hook lets a caught panic pass, while one
    // that escapes the target still aborts the run.
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
        if let Ok(rows) = dangjian_report::roster::read(data, "党员名册", &HEADERS, 1_000) {
            for row in rows {
                assert!(row.cells.len() == HEADERS.len());
                for cell in &row.cells {
                    let _ = dangjian_report::roster::loose_date(cell);
                }
            }
        }
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = dangjian_report::roster::loose_date(text);
            let _ = dangjian_report::roster::normalize(text);
        }
    }
);
