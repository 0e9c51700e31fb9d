//! Uploads: member corrections and new households from spreadsheets become drafts.

use crate::support::*;

/// Uploaded member corrections: a changed row becomes one correction draft; the same file again
/// creates nothing; a bad row stops everything unless the valid rows are wanted; out of scope
/// looks like a missing id.
async fn uploads_become_correction_drafts(db: &TestDb) {
    use siks_domain::interchange::{PERSON_COLUMNS, person_row};
    use siks_store::uploads::{UploadMode, UploadRow, UploadRun};
    let store = &db.store;
    let c = cast(store).await;
    let (h, members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(600)
        .build();
    store
        .create_household(&c.village_a, &h, &members, "baru")
        .await
        .unwrap();
    let row_of = |row: u32, p: &Person, change: &[(&'static str, &str)]| {
        UploadRow::new(
            "Anggota",
            row,
            PERSON_COLUMNS
                .iter()
                .zip(person_row(p))
                .map(|(c, v)| {
                    let changed = change
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.to_string());
                    (*c, changed.unwrap_or(v))
                })
                .collect::<Vec<_>>(),
        )
    };
    let renamed = row_of(2, &members[0], &[("full_name", "Anggota Nol Baru")]);
    let same = row_of(3, &members[1], &[]);
    let bad_sex = row_of(3, &members[1], &[("sex", "7")]);
    let bad_nik = row_of(3, &members[1], &[("nik", "123")]);
    let chosen = row_of(3, &members[1], &[("marital_status", "3 - Cerai hidup")]);

    // All or nothing: a bad row stops the good one.
    let report = store
        .upload_person_corrections(
            &c.village_a,
            &[renamed.clone(), bad_sex.clone()],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert!(!report.written && report.proposed.is_empty());
    assert_eq!(report.problems.len(), 1);
    assert_eq!(
        (report.problems[0].row, report.problems[0].column.as_str()),
        (3, "Jenis kelamin")
    );
    let nik = store
        .upload_person_corrections(
            &c.village_a,
            &[bad_nik],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert_eq!(nik.problems[0].column, "NIK", "{nik:?}");

    // Valid rows only: the renamed member becomes a draft; the unchanged one nothing.
    let report = store
        .upload_person_corrections(
            &c.village_a,
            &[renamed.clone(), same, bad_sex],
            &UploadRun::new(UploadMode::ValidOnly, "uji"),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            report.proposed.len(),
            report.unchanged,
            report.problems.len()
        ),
        (1, 1, 1)
    );
    let (p, _) = store
        .proposal(&c.village_a, report.proposed[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.stage, siks_domain::workflow::Stage::Draft);
    let siks_domain::workflow::ProposalContent::PersonCorrection {
        person,
        base_version,
    } = &p.content
    else {
        panic!("a correction: {:?}", p.content);
    };
    assert_eq!(person.full_name, "Anggota Nol Baru");
    assert_eq!(*base_version, 1);
    assert_eq!(person.nik, members[0].nik, "only the edited cell changed");

    // The same file again creates nothing twice; a code written as its drop-down text is read.
    let again = store
        .upload_person_corrections(
            &c.village_a,
            &[renamed, chosen],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert_eq!(
        (again.proposed.len(), again.already_proposed),
        (1, 1),
        "{again:?}"
    );

    // Another village's operator cannot reach these members.
    let outside = store
        .upload_person_corrections(
            &c.village_b,
            &[row_of(2, &members[0], &[("full_name", "X")])],
            &UploadRun::new(UploadMode::ValidOnly, "uji"),
        )
        .await
        .unwrap();
    assert!(outside.proposed.is_empty());
    assert!(
        outside.problems[0].reason.contains("tidak ditemukan"),
        "{outside:?}"
    );

    // Removals: each valid row a removal draft with its note; bad reasons, short notes and
    // households elsewhere are reported by cell.
    let removal = |row: u32, household: String, person: String, reason: &str, note: &str| {
        UploadRow::new(
            "Anggota",
            row,
            vec![
                ("household_id", household),
                ("person_id", person),
                ("reason", reason.to_string()),
                ("note", note.to_string()),
            ],
        )
    };
    let good = removal(
        2,
        h.id.to_string(),
        members[1].id.to_string(),
        "1 - Meninggal",
        "meninggal dunia 2026",
    );
    let rows = [
        good.clone(),
        removal(
            3,
            h.id.to_string(),
            String::new(),
            "9",
            "pindah ke luar kota",
        ),
        removal(4, h.id.to_string(), String::new(), "2", "x"),
        removal(
            5,
            uuid::Uuid::now_v7().to_string(),
            String::new(),
            "2",
            "pindah ke luar kota",
        ),
    ];
    let refused = store
        .upload_removals(
            &c.village_a,
            &rows,
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert!(!refused.written);
    let columns: Vec<&str> = refused.problems.iter().map(|p| p.column.as_str()).collect();
    assert_eq!(
        columns,
        ["Alasan", "Keterangan", "Id rumah tangga"],
        "{refused:?}"
    );
    let done = store
        .upload_removals(
            &c.village_a,
            &rows,
            &UploadRun::new(UploadMode::ValidOnly, ""),
        )
        .await
        .unwrap();
    assert_eq!(done.proposed.len(), 1);
    let (p, _) = store
        .proposal(&c.village_a, done.proposed[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.content,
        siks_domain::workflow::ProposalContent::Removal {
            household: h.id,
            person: Some(members[1].id),
            reason: InactiveReason::Died,
            evidence: Some("meninggal dunia 2026".into()),
        }
    );
    let again = store
        .upload_removals(
            &c.village_a,
            &[good],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert_eq!((again.proposed.len(), again.already_proposed), (0, 1));

    // Verivali results: settle open findings (fixed, or dismissed with a reason).
    let tuban = RegionCode::parse("35.23").unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    checker(store)
        .run_checks(&c.admin, Some(&tuban), today)
        .await
        .unwrap();
    let open = store
        .findings(&c.village_a, None, None, Some(FindingStatus::Open), 10)
        .await
        .unwrap();
    assert!(open.len() >= 2, "{open:?}");
    let result = |row: u32, id: String, result: &str, reason: &str| {
        UploadRow::new(
            "Hasil verivali",
            row,
            vec![
                ("finding_id", id),
                ("result", result.to_string()),
                ("reason", reason.to_string()),
            ],
        )
    };
    let rows = [
        result(
            2,
            open[0].id.to_string(),
            "2 - Ditolak",
            "sudah benar menurut KK",
        ),
        result(3, open[1].id.to_string(), "1", ""),
        result(4, open[1].id.to_string(), "3", ""),
        result(5, uuid::Uuid::now_v7().to_string(), "1", ""),
        result(6, open[0].id.to_string(), "2", ""),
    ];
    let refused = store
        .upload_results(
            &c.village_a,
            &rows,
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert_eq!(
        (refused.written, refused.problems.len()),
        (false, 3),
        "{refused:?}"
    );
    let done = store
        .upload_results(
            &c.village_a,
            &rows[..2],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert!(done.written && done.problems.is_empty(), "{done:?}");
    let settled = store
        .findings(&c.village_a, None, None, None, 50)
        .await
        .unwrap();
    let status = |id| settled.iter().find(|f| f.id == id).unwrap().status;
    assert_eq!(status(open[0].id), FindingStatus::Dismissed);
    assert_eq!(status(open[1].id), FindingStatus::Fixed);
    // The same file again settles nothing twice; another result for a settled finding is a problem.
    let again = store
        .upload_results(
            &c.village_a,
            &rows[..2],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            again.already_proposed,
            again.unchanged,
            again.problems.len()
        ),
        (2, 0, 0),
        "{again:?}"
    );
    let other = store
        .upload_results(
            &c.village_a,
            &[result(
                2,
                open[1].id.to_string(),
                "2",
                "bukan masalah sama sekali",
            )],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert!(other.problems[0].reason.contains("hasil lain"), "{other:?}");
    let b = store
        .upload_results(
            &c.village_b,
            &rows[..1],
            &UploadRun::new(UploadMode::ValidOnly, ""),
        )
        .await
        .unwrap();
    assert_eq!(
        b.problems.len(),
        1,
        "another village's findings are not found"
    );

    // Household corrections: the changed cell becomes a draft; the village stays.
    use siks_domain::interchange::{HOUSEHOLD_COLUMNS, household_row};
    let household_upload = |row: u32, change: &[(&'static str, &str)]| {
        UploadRow::new(
            "Anggota",
            row,
            HOUSEHOLD_COLUMNS
                .iter()
                .zip(household_row(&h))
                .map(|(c, v)| {
                    let changed = change
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.to_string());
                    (*c, changed.unwrap_or(v))
                })
                .collect::<Vec<_>>(),
        )
    };
    let rows = [
        household_upload(2, &[("floor_area_m2", "42")]),
        household_upload(3, &[("village_code", VILLAGE_B)]),
        household_upload(4, &[("floor_material", "99")]),
    ];
    for (bad, says) in [(&rows[1], "usulan pindah"), (&rows[2], "kode")] {
        let refused = store
            .upload_household_corrections(
                &c.village_a,
                std::slice::from_ref(bad),
                &UploadRun::new(UploadMode::AllOrNothing, "uji"),
            )
            .await
            .unwrap();
        assert!(
            !refused.written && refused.problems[0].reason.contains(says),
            "{refused:?}"
        );
    }
    let twice = store
        .upload_household_corrections(
            &c.village_a,
            &[rows[0].clone(), rows[0].clone()],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert!(
        twice.problems[0].reason.contains("sudah ada di baris 2"),
        "{twice:?}"
    );
    let done = store
        .upload_household_corrections(
            &c.village_a,
            &rows[..1],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    let (p, _) = store
        .proposal(&c.village_a, done.proposed[0])
        .await
        .unwrap()
        .unwrap();
    let siks_domain::workflow::ProposalContent::HouseholdCorrection { household, .. } = &p.content
    else {
        panic!("{:?}", p.content);
    };
    assert_eq!(household.housing.floor_area_m2, 42);
}

/// A close that fails half-way (here: the database refuses one update) leaves the register,
/// the proposals, the periods and the audit log exactly as they were.
/// New households from the template's two sheets: each household with its members one draft,
/// checked as the form checks; the same file twice creates nothing twice, whether the first
/// upload is still a proposal or already in the register; a NIK held elsewhere, a village out
/// of scope and an unchosen field are problems of their rows; a cancelled upload writes nothing.
async fn uploads_bring_new_households(db: &TestDb) {
    use siks_domain::interchange::{HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_row, person_row};
    use siks_domain::workflow::ProposalContent;
    use siks_store::uploads::{UploadMode, UploadRow, UploadRun};
    let store = &db.store;
    let c = cast(store).await;
    let (new, new_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(700)
        .build();
    let (registered, registered_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(710)
        .build();
    store
        .create_household(&c.village_a, &registered, &registered_members, "baru")
        .await
        .unwrap();
    let (elsewhere, elsewhere_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(720)
        .build();
    let household_row_of = |row: u32, no: &str, h: &Household, drop: &str| {
        UploadRow::new(
            "Rumah tangga",
            row,
            std::iter::once(("household_no", no.to_string()))
                .chain(
                    HOUSEHOLD_COLUMNS
                        .iter()
                        .copied()
                        .zip(household_row(h))
                        .filter(|(c, _)| *c != drop),
                )
                .collect::<Vec<_>>(),
        )
    };
    let member_rows_of = |first: u32, no: &str, members: &[Person]| -> Vec<UploadRow> {
        members
            .iter()
            .enumerate()
            .map(|(i, p)| {
                UploadRow::new(
                    "Anggota",
                    first + i as u32,
                    std::iter::once(("household_no", no.to_string()))
                        .chain(PERSON_COLUMNS.iter().copied().zip(person_row(p)))
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    let all_or_nothing = || UploadRun::new(UploadMode::AllOrNothing, "uji");
    let households = [household_row_of(2, "1", &new, "")];
    let members = member_rows_of(2, "1", &new_members);
    // Cancelled before it starts: nothing.
    let cancelled = all_or_nothing();
    cancelled.progress.cancel();
    let report = store
        .upload_new_households(&c.village_a, &households, &members, &cancelled)
        .await
        .unwrap();
    assert!(
        report.cancelled && !report.written && report.proposed.is_empty(),
        "{report:?}"
    );
    // One draft with both members, under a household id of the server's.
    let run = all_or_nothing();
    let report = store
        .upload_new_households(&c.village_a, &households, &members, &run)
        .await
        .unwrap();
    assert_eq!(report.proposed.len(), 1, "{report:?}");
    assert_eq!(
        run.progress.now(),
        siks_store::uploads::ProgressNow {
            writing: true,
            done: 1,
            total: 1
        }
    );
    assert!(report.problems.is_empty() && report.written);
    let proposal = store
        .proposal(&c.village_a, report.proposed[0])
        .await
        .unwrap()
        .unwrap();
    match &proposal.0.content {
        ProposalContent::NewHousehold { household, members } => {
            assert_ne!(household.id, new.id, "the id is the server's");
            assert_eq!(members.len(), 2);
            assert!(members.iter().all(|m| m.household_id == household.id));
            assert_eq!(members[0].nik, new_members[0].nik);
        }
        other => panic!("not a new household: {other:?}"),
    }
    // The same file again: already proposed. The registered household: already there.
    let again = store
        .upload_new_households(&c.village_a, &households, &members, &all_or_nothing())
        .await
        .unwrap();
    assert_eq!(
        (
            again.proposed.len(),
            again.already_proposed,
            again.problems.len()
        ),
        (0, 1, 0),
        "{again:?}"
    );
    let known = store
        .upload_new_households(
            &c.village_a,
            &[household_row_of(2, "1", &registered, "")],
            &member_rows_of(2, "1", &registered_members),
            &all_or_nothing(),
        )
        .await
        .unwrap();
    assert_eq!((known.proposed.len(), known.unchanged), (0, 1), "{known:?}");
    // Problems: a village out of scope; a registered NIK beside a new one; an unchosen field;
    // a member whose household is not in the file.
    let mut mixed_members = vec![registered_members[0].clone()];
    let (_, fresh) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(730)
        .build();
    mixed_members.push(fresh[0].clone());
    mixed_members[1].relation_to_head = siks_domain::codes::Relation::Child;
    let (another, another_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(740)
        .build();
    let mut members = member_rows_of(2, "1", &elsewhere_members);
    members.extend(member_rows_of(3, "2", &mixed_members));
    members.extend(member_rows_of(5, "3", &another_members));
    members.extend(member_rows_of(6, "9", &fresh));
    let rows = [
        household_row_of(2, "1", &elsewhere, ""),
        household_row_of(3, "2", &new, ""),
        household_row_of(4, "3", &another, "rooms"),
    ];
    let run = all_or_nothing();
    let refused = store
        .upload_new_households(&c.village_a, &rows, &members, &run)
        .await
        .unwrap();
    let now = run.progress.now();
    assert_eq!(
        (now.writing, now.done, now.total),
        (false, 8, 8),
        "every row counted, the stray member too"
    );
    let found: Vec<(&str, u32, &str)> = refused
        .problems
        .iter()
        .map(|p| (&*p.sheet, p.row, p.column.as_str()))
        .collect();
    for expected in [
        ("Rumah tangga", 2, "Kode desa/kelurahan"),
        ("Anggota", 3, "NIK"),
        ("Rumah tangga", 4, "Jumlah kamar tidur"),
        ("Anggota", 6, "No. ruta"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert!(!refused.written && refused.proposed.is_empty());
    let nik_problem = refused
        .problems
        .iter()
        .find(|p| p.row == 3 && &*p.sheet == "Anggota")
        .unwrap();
    assert!(
        nik_problem.reason.contains("terdaftar di rumah tangga"),
        "{nik_problem:?}"
    );
    // Out of scope for village B's operator: the draft of village A stays A's.
    let pending = store.list_proposals(&c.village_b, None, 100).await.unwrap();
    assert!(pending.is_empty());
}

#[tokio::test]
async fn uploads_become_correction_drafts_on_both_engines() {
    on_both_engines!(uploads_become_correction_drafts);
}

#[tokio::test]
async fn uploads_bring_new_households_on_both_engines() {
    on_both_engines!(uploads_bring_new_households);
}
