//! The command line as an operator uses it: init, users, migrate, audit verify, and a demo
//! that refuses to overwrite a real database.

use std::process::{Command, Output};

use crate::harness::TempDir;

fn dangjian(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dangjian"))
        .args(args)
        .env(
            "DANGJIAN_DATABASE_URL",
            format!("sqlite://{}", dir.0.join("real.db").display()),
        )
        .env("DANGJIAN_LOG", "warn")
        .env_remove("DANGJIAN_DATA_KEY")
        .env_remove("DANGJIAN_KEY_FILE")
        .output()
        .expect("run dangjian")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_real_deployment_from_the_command_line() {
    let dir = TempDir(std::env::temp_dir().join(format!("dangjian-cli-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("dir");

    let o = dangjian(&dir, &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0001_init"));
    assert!(text(&dangjian(&dir, &["migrate"])).contains("已是最新"));

    let o = dangjian(
        &dir,
        &[
            "init",
            "--name",
            "涪陵区委",
            "--code",
            "500102",
            "--password",
            "short",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("密码至少 12 个字符"));
    let o = dangjian(
        &dir,
        &[
            "init",
            "--name",
            "涪陵区委",
            "--code",
            "500102",
            "--password",
            "a-long-password-1",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        dir.0.join("real.db.key").exists(),
        "the data key is created beside the database"
    );
    let o = dangjian(
        &dir,
        &[
            "init",
            "--name",
            "又一个",
            "--code",
            "500103",
            "--password",
            "a-long-password-1",
        ],
    );
    assert!(!o.status.success(), "a second root is refused");

    let o = dangjian(
        &dir,
        &[
            "user",
            "add",
            "clerk",
            "--role",
            "town_admin",
            "--scope",
            "500102",
            "--password",
            "another-long-pass",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = dangjian(
        &dir,
        &[
            "user",
            "add",
            "bad",
            "--role",
            "emperor",
            "--scope",
            "500102",
            "--password",
            "another-long-pass",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("角色应为"));
    let o = dangjian(&dir, &["user", "disable", "clerk"]);
    assert!(o.status.success(), "{}", text(&o));
    let list = text(&dangjian(&dir, &["user", "list"]));
    assert!(
        list.contains("admin") && list.contains("clerk") && list.contains("停用"),
        "{list}"
    );

    let o = dangjian(&dir, &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("校验通过"));
    // A checkpoint kept in a file of the operator's checks out, later rows or not; an edited
    // one does not.
    let o = dangjian(&dir, &["audit", "checkpoint"]);
    assert!(o.status.success(), "{}", text(&o));
    let line = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(
        line.starts_with("dangjian-audit-checkpoint v1 seq="),
        "{line}"
    );
    let file = dir.0.join("checkpoints.txt");
    std::fs::write(&file, format!("{line}\n")).expect("write");
    assert!(
        dangjian(&dir, &["user", "enable", "clerk"])
            .status
            .success()
    );
    let path = file.display().to_string();
    let o = dangjian(&dir, &["audit", "verify", "--checkpoints", &path]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 个检查点均与日志一致"), "{}", text(&o));
    std::fs::write(&file, line.replace(" at=", " at=9")).expect("write");
    let o = dangjian(&dir, &["audit", "verify", "--checkpoints", &path]);
    assert!(!o.status.success());
    assert!(text(&o).contains("签名不符"), "{}", text(&o));
    assert!(
        dangjian(&dir, &["user", "disable", "clerk"])
            .status
            .success()
    );

    // The demo will not overwrite a database that is not a demo.
    let url = format!("sqlite://{}", dir.0.join("real.db").display());
    let o = dangjian(
        &dir,
        &[
            "demo",
            "--scale",
            "0.01",
            "--database-url",
            &url,
            "--no-serve",
            "--password",
            "a-long-password-1",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("不是演示数据库"));
    let o = dangjian(&dir, &["user", "list"]);
    assert!(text(&o).contains("clerk"), "the real database is intact");

    // A wrong data key is refused at start.
    std::fs::write(dir.0.join("real.db.key"), "11".repeat(32)).expect("key");
    let o = dangjian(&dir, &["user", "list"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("数据密钥与数据库不匹配"));
}

#[test]
fn demo_writes_accounts_json() {
    let dir = TempDir(std::env::temp_dir().join(format!("dangjian-demo-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("dir");
    let url = format!("sqlite://{}", dir.0.join("demo.db").display());
    let json = dir.0.join("accounts.json");
    let json_arg = json.display().to_string();
    let args = [
        "demo",
        "--scale",
        "0.01",
        "--seed",
        "3",
        "--database-url",
        &url,
        "--no-serve",
        "--accounts-json",
        &json_arg,
    ];
    let o = dangjian(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let printed = text(&o);
    assert!(
        printed.contains("admin") && printed.contains("密码均为"),
        "accounts and the random password are printed"
    );
    let accounts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("valid json");
    let list = accounts.as_array().expect("array");
    assert_eq!(
        list.iter().filter(|a| a["role"] == "town_admin").count(),
        27
    );
    for key in ["username", "role", "scope_org_id", "scope_org_name"] {
        assert!(list.iter().all(|a| !a[key].is_null()), "{key}");
    }
    // The load commits into the file itself: no log or journal is left beside it.
    assert!(dir.0.join("demo.db").exists());
    for leftover in ["demo.db-wal", "demo.db-journal"] {
        assert!(!dir.0.join(leftover).exists(), "{leftover} left behind");
    }
    // A demo database may be generated again, and the same seed gives the same district.
    let o = dangjian(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("json");
    assert_eq!(accounts, again);
}

#[test]
fn rosters_go_in_and_out_from_the_command_line() {
    use crate::roster::{id_number, roster};
    let dir = TempDir(std::env::temp_dir().join(format!("dangjian-roster-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("dir");
    let url = format!("sqlite://{}", dir.0.join("demo.db").display());
    let o = dangjian(
        &dir,
        &[
            "demo",
            "--scale",
            "0.01",
            "--database-url",
            &url,
            "--no-serve",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    // Export the district, masked, and find a branch code in it.
    let out = dir.0.join("all.xlsx").display().to_string();
    let o = dangjian(
        &dir,
        &[
            "export",
            "--database-url",
            &url,
            "members",
            "--org",
            "500102",
            &out,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导出"));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("xlsx");
    let sheet = calamine::Reader::worksheet_range(&mut book, "党员名册").expect("sheet");
    let exported = sheet.height() - 1;
    let code = sheet
        .get_value((1, 12))
        .map(ToString::to_string)
        .expect("a branch code");
    assert!(
        sheet
            .get_value((1, 1))
            .map(ToString::to_string)
            .unwrap_or_default()
            .contains('*')
    );

    let cells = |name: &str, id: &str| -> Vec<String> {
        [
            name,
            id,
            "",
            "汉族",
            "",
            "",
            "本科",
            "在职",
            "2010-07-01",
            "2011-07-01",
            "正式党员",
            "",
            &code,
        ]
        .iter()
        .map(|c| (*c).to_string())
        .collect()
    };
    let file = dir.0.join("in.xlsx");
    std::fs::write(
        &file,
        roster(&[
            cells("周新", &id_number(1980, 1, 1, 1)),
            cells("吴错", "500102198001010000"),
        ]),
    )
    .expect("write");
    let file = file.display().to_string();
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "--database-url",
            url.as_str(),
            "members",
            file.as_str(),
            "--org",
            "500102",
        ];
        args.extend_from_slice(extra);
        dangjian(&dir, &args)
    };
    let o = import(&["--dry-run"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("第 3 行 身份证号"), "{}", text(&o));
    assert!(text(&o).contains("试运行"));
    let o = import(&[]);
    assert!(!o.status.success(), "a refused row stops the whole import");
    assert!(text(&o).contains("未写入任何数据"));
    let o = import(&["--skip-invalid"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导入 1 行"), "{}", text(&o));

    // Orgs the same way: a party committee with a branch under it, parents named by code.
    let orgs_file = dir.0.join("orgs.xlsx");
    let org_row = |cells: [&str; 7]| cells.iter().map(|c| (*c).to_string()).collect();
    let rows: Vec<Vec<String>> = vec![
        org_row([
            "命令行支部",
            "CLI-B1",
            "CLI-P1",
            "党支部",
            "",
            "",
            "2020-01-01",
        ]),
        org_row(["命令行党委", "CLI-P1", "", "党委", "", "", "2020-01-01"]),
        org_row(["错类型", "CLI-X", "", "党员", "", "", ""]),
    ];
    let headers = [
        "组织名称",
        "组织代码",
        "上级组织代码",
        "组织类型",
        "所属单位类型",
        "书记",
        "成立日期",
    ];
    std::fs::write(
        &orgs_file,
        dangjian_report::roster::write("组织名册", &headers, &rows, &[]).expect("xlsx"),
    )
    .expect("write");
    let orgs_file = orgs_file.display().to_string();
    let import_orgs = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "--database-url",
            url.as_str(),
            "orgs",
            orgs_file.as_str(),
            "--org",
            "500102",
        ];
        args.extend_from_slice(extra);
        dangjian(&dir, &args)
    };
    let o = import_orgs(&[]);
    assert!(!o.status.success(), "a refused row stops the whole import");
    assert!(text(&o).contains("第 4 行 组织类型"), "{}", text(&o));
    let o = import_orgs(&["--skip-invalid"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导入 2 行"), "{}", text(&o));
    let o = import_orgs(&["--skip-invalid"]);
    assert!(
        text(&o).contains("第 2 行 组织代码：该组织代码已被使用"),
        "a second run finds the codes taken: {}",
        text(&o)
    );

    let o = dangjian(
        &dir,
        &[
            "export",
            "--database-url",
            &url,
            "members",
            "--org",
            "500102",
            &out,
            "--unmask-reason",
            "数据迁移核对",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("xlsx");
    let sheet = calamine::Reader::worksheet_range(&mut book, "党员名册").expect("sheet");
    assert_eq!(sheet.height() - 1, exported + 1);
    let o = dangjian(
        &dir,
        &[
            "export",
            "--database-url",
            &url,
            "members",
            "--org",
            "NOPE",
            &out,
        ],
    );
    assert!(!o.status.success());
}

#[test]
fn guomi_from_the_command_line() {
    let dir = TempDir(std::env::temp_dir().join(format!("dangjian-sm-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("dir");
    // A new deployment chooses 国密 at init and keeps it.
    let o = dangjian(
        &dir,
        &[
            "init",
            "--name",
            "涪陵区委",
            "--code",
            "500102",
            "--password",
            "a-long-password-1",
            "--crypto",
            "sm",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("国密 SM4-GCM"), "{}", text(&o));
    let o = dangjian(&dir, &["crypto", "status"]);
    assert!(text(&o).contains("国密 SM4-GCM"), "{}", text(&o));
    let o = dangjian(&dir, &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = dangjian(&dir, &["crypto", "reencrypt", "--to", "sm3"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("密码算法应为"), "{}", text(&o));

    // A standard database (the demo) moves to 国密; a checkpoint taken before still holds.
    let url = format!("sqlite://{}", dir.0.join("demo.db").display());
    // The database is named after the command, before its subcommand.
    let on_demo = |args: &[&str]| {
        let mut all = vec![args[0], "--database-url", url.as_str()];
        all.extend(&args[1..]);
        dangjian(&dir, &all)
    };
    let o = dangjian(
        &dir,
        &[
            "demo",
            "--scale",
            "0.01",
            "--database-url",
            &url,
            "--no-serve",
            "--password",
            "a-long-password-1",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = on_demo(&["crypto", "status"]);
    assert!(text(&o).contains("ChaCha20-Poly1305"), "{}", text(&o));
    let o = on_demo(&["audit", "checkpoint"]);
    assert!(o.status.success(), "{}", text(&o));
    let checkpoints = dir.0.join("checkpoints.txt");
    std::fs::write(&checkpoints, &o.stdout).expect("write");
    let o = on_demo(&["crypto", "reencrypt", "--to", "sm"]);
    assert!(o.status.success(), "{}", text(&o));
    let printed = text(&o);
    assert!(printed.contains("已迁移到 国密 SM4-GCM"), "{printed}");
    assert!(printed.contains("党员身份证号："), "{printed}");
    assert!(printed.contains("校验通过"), "{printed}");
    let o = on_demo(&["crypto", "status"]);
    assert!(text(&o).contains("国密 SM4-GCM"), "{}", text(&o));
    let path = checkpoints.display().to_string();
    let o = on_demo(&["audit", "verify", "--checkpoints", &path]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 个检查点均与日志一致"), "{}", text(&o));
    let o = on_demo(&["crypto", "reencrypt", "--to", "sm"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("无需迁移"), "{}", text(&o));
}
