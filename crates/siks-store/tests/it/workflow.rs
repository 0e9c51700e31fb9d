//! The way up: proposals tier by tier, and the period close that applies them together (or nothing).

use crate::support::*;

async fn a_failed_close_changes_nothing(db: &TestDb) {
    use siks_domain::workflow::{Period, ProposalContent, Stage};
    let store = &db.store;
    let c = cast(store).await;
    let mut ids = Vec::new();
    let mut households = Vec::new();
    for (serial, rt) in [(800, "004"), (810, "999")] {
        let (h, members) = fake_household(VILLAGE_A)
            .members(1)
            .serials_from(serial)
            .build();
        store
            .create_household(&c.village_a, &h, &members, "baru")
            .await
            .unwrap();
        let mut corrected = h.clone();
        corrected.address.rt = rt.into();
        ids.push(
            store
                .propose(
                    &c.village_a,
                    &ProposalContent::HouseholdCorrection {
                        household: corrected,
                        base_version: 1,
                    },
                    "rt",
                )
                .await
                .unwrap(),
        );
        households.push(h);
    }
    accept_as_admin(store, &c.admin, &ids).await;
    let audit_before = store.audit_entries(&c.auditor, None, 10_000).await.unwrap();
    raw_exec(
        db,
        "CREATE TRIGGER fail_close BEFORE UPDATE ON households WHEN NEW.rt = '999' \
         BEGIN SELECT RAISE(ABORT, 'uji: pembaruan ditolak'); END;",
        "CREATE FUNCTION fail_close() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'uji: pembaruan ditolak'; END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER fail_close BEFORE UPDATE ON households FOR EACH ROW WHEN (NEW.rt = '999') EXECUTE FUNCTION fail_close();",
    )
    .await;
    let november = Period::parse("2026-11").unwrap();
    // Once as it comes (the two in one transaction), once cut after every proposal: the first
    // correction is committed before the second fails, and is taken back.
    let sliced = store.clone().with_close_slice(std::time::Duration::ZERO);
    for (attempt, store) in [store, &sliced].into_iter().enumerate() {
        assert!(
            matches!(
                store.close_period(&c.admin, november).await,
                Err(StoreError::Database(_))
            ),
            "attempt {attempt}"
        );
        for h in &households {
            let view = store.household(&c.regency, h.id).await.unwrap().unwrap();
            assert_eq!(
                (
                    view.household.version,
                    view.household.record.address.rt.as_str()
                ),
                (1, h.address.rt.as_str()),
                "the first correction was undone with the rest (attempt {attempt})"
            );
            let history = store.history(&c.regency, &h.id.to_string()).await.unwrap();
            assert_eq!(
                history.len(),
                1,
                "only its creation is kept (attempt {attempt})"
            );
        }
        assert!(store.closed_periods().await.unwrap().is_empty());
        for id in &ids {
            let (p, steps) = store.proposal(&c.regency, *id).await.unwrap().unwrap();
            assert_eq!(p.stage, Stage::Accepted);
            assert!(
                steps
                    .iter()
                    .all(|s| s.step != siks_domain::workflow::StepKind::Apply)
            );
        }
        let audit_after = store.audit_entries(&c.auditor, None, 10_000).await.unwrap();
        assert!(
            audit_after
                .iter()
                .all(|e| e.action != "period.close" && e.action != "household.update"),
            "no audit entry of the failed close"
        );
        assert!(
            audit_after.len() > audit_before.len(),
            "only the views above were added"
        );
        assert_eq!(
            store
                .verify_audit_chain(&c.auditor)
                .await
                .unwrap()
                .broken_at,
            None
        );
    }
    raw_exec(
        db,
        "DROP TRIGGER fail_close;",
        "DROP TRIGGER fail_close ON households; DROP FUNCTION fail_close();",
    )
    .await;
    // Cut after every proposal, the close applies both; their entries are written at its end.
    let report = sliced.close_period(&c.admin, november).await.unwrap();
    assert_eq!((report.applied, report.sent_back.len()), (2, 0));
    let audit = store.audit_entries(&c.auditor, None, 10_000).await.unwrap();
    let count = |action: &str| audit.iter().filter(|e| e.action == action).count();
    assert_eq!((count("household.update"), count("period.close")), (2, 1));
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        None
    );
}

/// A close that is running refuses a second one of its period; one whose process died (no
/// write for five minutes) is taken back by the next close, which then runs.
async fn a_close_runs_once_and_a_dead_one_is_taken_back(db: &TestDb) {
    use siks_domain::workflow::Period;
    let store = &db.store;
    let c = cast(store).await;
    let november = Period::parse("2026-11").unwrap();
    let now = store.now();
    let at =
        |minutes: i64| siks_domain::clock::Stamp(now - chrono::Duration::minutes(minutes)).text();
    let running = format!(
        "INSERT INTO close_runs (period, started_at, alive_at) VALUES ('2026-11', '{}', '{}');",
        at(2),
        at(1)
    );
    raw_exec(db, &running, &running).await;
    match store.close_period(&c.admin, november).await {
        Err(StoreError::Conflict { indonesian, .. }) => {
            assert!(indonesian.contains("sedang berjalan"), "{indonesian}")
        }
        other => panic!("{other:?}"),
    }
    let dead = format!(
        "UPDATE close_runs SET alive_at = '{}' WHERE period = '2026-11';",
        at(6)
    );
    raw_exec(db, &dead, &dead).await;
    let report = store.close_period(&c.admin, november).await.unwrap();
    assert!(!report.already_closed);
    let audit = store.audit_entries(&c.auditor, None, 1_000).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "period.close_undone"));
    assert_eq!(store.closed_periods().await.unwrap(), [november]);
}

async fn proposals_go_up_tier_by_tier(db: &TestDb) {
    use siks_domain::workflow::{Backing, ProposalContent, Stage, Step, WorkflowConfig};
    let store = &db.store;
    let c = cast(store).await;
    let make = async |username: &str, role: Role, scope: &str| {
        store
            .create_user(
                &c.admin,
                NewUser {
                    username: username.into(),
                    display_name: username.into(),
                    role,
                    scope: Scope::parse(scope).unwrap(),
                    password_hash: None,
                },
            )
            .await
            .unwrap()
            .actor()
    };
    let verifier = make("verifikator", Role::RegencyVerifier, "35.23").await;
    let ratifier = make("pengesah", Role::Ratifier, "35.23").await;
    let province = make("provinsi", Role::ProvinceOperator, "35").await;
    let pusat = make("pusat", Role::Pusat, "*").await;
    let config = WorkflowConfig::default();

    let (household, members) = fake_household(VILLAGE_A).members(2).build_proposed();
    let content = ProposalContent::NewHousehold {
        household: household.clone(),
        members: members.clone(),
    };
    assert!(matches!(
        store.propose(&c.regency, &content, "baru").await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.propose(&c.village_b, &content, "baru").await,
        Err(StoreError::Invalid { .. })
    ));
    let id = store
        .propose(&c.village_a, &content, "pendataan baru")
        .await
        .unwrap();
    let inbox = store
        .list_proposals(&c.village_a, Some(Stage::Draft), 10)
        .await
        .unwrap();
    assert_eq!(inbox.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id]);
    assert!(
        store
            .list_proposals(&c.village_b, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.proposal(&c.village_b, id).await.unwrap(), None);

    // Wrong role, wrong stage, and a batch with one bad member changes nothing.
    assert!(matches!(
        store
            .step_proposals(&verifier, &[id], &Step::Verify, config)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .step_proposals(&c.village_a, &[id], &Step::Apply, config)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .step_proposals(
                &c.village_a,
                &[id, uuid::Uuid::now_v7()],
                &Step::Submit(Backing::Musdes),
                config
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .list_proposals(&c.village_a, Some(Stage::Draft), 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // The steps that come with a signed paper are refused as bare steps.
    for step in [
        Step::Submit(Backing::Sptjm),
        Step::MusdesDecision {
            approved: true,
            reason: String::new(),
        },
        Step::Ratify,
    ] {
        assert!(matches!(
            store.step_proposals(&c.admin, &[id], &step, config).await,
            Err(StoreError::Invalid { .. })
        ));
    }
    let step = async |actor: &Actor, step: Step| {
        store
            .step_proposals(actor, &[id], &step, config)
            .await
            .unwrap()
    };
    assert_eq!(
        step(&c.village_a, Step::Submit(Backing::Musdes)).await,
        vec![Stage::Musdes]
    );
    // The musdes: its details are checked, and only the village's own operator records it.
    let mut no_place = paper(Backing::Musdes, VILLAGE_A);
    no_place.place = " ".into();
    let approve = [siks_store::documents::MusdesDecision {
        proposal: id,
        approved: true,
        reason: String::new(),
    }];
    assert!(matches!(
        store
            .record_musdes(&c.village_a, no_place, &approve, None, config)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .record_musdes(
                &c.village_b,
                paper(Backing::Musdes, VILLAGE_A),
                &approve,
                None,
                config
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let musdes = store
        .record_musdes(
            &c.village_a,
            paper(Backing::Musdes, VILLAGE_A),
            &approve,
            None,
            config,
        )
        .await
        .unwrap();
    // Without the signed scan the regency cannot verify; a file that is no scan is refused.
    let refused = store
        .step_proposals(&verifier, &[id], &Step::Verify, config)
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("pindaian")),
        "{refused:?}"
    );
    assert!(matches!(
        store.attach_scan(&c.village_a, musdes, b"not a scan").await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.attach_scan(&c.village_b, musdes, SCAN).await,
        Err(StoreError::NotFound)
    ));
    store.attach_scan(&c.village_a, musdes, SCAN).await.unwrap();
    let ba = store
        .village_document(&c.regency, musdes)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ba.details.attendees, 37);
    assert_eq!(ba.scan_type.as_deref(), Some("application/pdf"));
    assert_eq!(ba.rows.len(), 1);
    assert_eq!(ba.rows[0].row, 1);
    assert_eq!(ba.rows[0].name, members[0].full_name);
    assert!(ba.rows[0].nik_masked.contains("**********"));
    assert!(ba.rows[0].approved);
    assert_eq!(
        store.document_scan(&c.regency, musdes).await.unwrap(),
        Some(("application/pdf".to_string(), SCAN.to_vec()))
    );
    assert_eq!(
        store.village_document(&c.village_b, musdes).await.unwrap(),
        None
    );

    assert_eq!(
        step(
            &verifier,
            Step::Return {
                reason: "foto rumah belum ada".into(),
            }
        )
        .await,
        vec![Stage::Returned]
    );
    // Resubmitted with an SPTJM (no second musdes), scanned at once.
    let sptjm = store
        .sign_sptjm(
            &c.village_a,
            paper(Backing::Sptjm, VILLAGE_A),
            &[id],
            Some(SCAN),
            config,
        )
        .await
        .unwrap();
    assert_eq!(
        step(&verifier, Step::Verify).await,
        vec![Stage::Ratification]
    );
    assert!(
        matches!(
            store.attach_scan(&c.village_a, sptjm, SCAN).await,
            Err(StoreError::Invalid { .. })
        ),
        "a scan the regency relied on cannot be replaced"
    );
    // The BA keeps its row though the proposal moved on to another paper.
    assert_eq!(
        store
            .village_document(&c.regency, musdes)
            .await
            .unwrap()
            .unwrap()
            .rows
            .len(),
        1
    );
    let tuban = RegionCode::parse("35.23").unwrap();
    assert!(matches!(
        store.ratify(&verifier, &tuban, None, config).await,
        Err(StoreError::Forbidden(_))
    ));
    let list = store.ratify(&ratifier, &tuban, None, config).await.unwrap();
    let ratified = store.ratification(&ratifier, list).await.unwrap().unwrap();
    assert!(
        ratified.number.starts_with("0001/PENGESAHAN-DTSEN/35.23/"),
        "{}",
        ratified.number
    );
    assert_eq!(
        ratified.rows.iter().map(|r| r.proposal).collect::<Vec<_>>(),
        vec![id]
    );
    assert_eq!(ratified.ratified_by, "pengesah");
    assert!(
        matches!(
            store.ratify(&ratifier, &tuban, None, config).await,
            Err(StoreError::Invalid { .. })
        ),
        "nothing is left to ratify"
    );
    assert_eq!(
        store
            .ratification(&c.village_b, list)
            .await
            .unwrap()
            .unwrap()
            .rows
            .len(),
        0,
        "another village sees the list, not village A's rows"
    );
    let papers = store.list_papers(&c.village_a, 10).await.unwrap();
    assert_eq!(
        papers.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>(),
        vec!["pengesahan", "sptjm", "musdes"]
    );
    assert_eq!(step(&province, Step::Forward).await, vec![Stage::PusatQc]);
    assert_eq!(step(&pusat, Step::Accept).await, vec![Stage::Accepted]);
    let (proposal, steps) = store.proposal(&c.regency, id).await.unwrap().unwrap();
    assert_eq!(proposal.stage, Stage::Accepted);
    assert_eq!(proposal.content, content);
    assert_eq!(proposal.backing, Some(Backing::Sptjm));
    assert_eq!(proposal.document, Some(sptjm));
    assert_eq!(
        proposal.reason, "foto rumah belum ada",
        "the last return's reason is kept"
    );
    assert_eq!(steps.len(), 9);
    assert_eq!(steps[3].note, "foto rumah belum ada");
    assert_eq!(steps[3].actor_role, Role::RegencyVerifier);
    // The register has not changed: only the period close applies proposals.
    assert_eq!(
        store.household(&c.regency, household.id).await.unwrap(),
        None
    );

    // Proposals about existing households are scoped by the household's village.
    let (existing, existing_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(300)
        .build();
    store
        .create_household(&c.village_a, &existing, &existing_members, "baru")
        .await
        .unwrap();
    let mut corrected = existing.clone();
    corrected.housing.rooms = 3;
    let correction = ProposalContent::HouseholdCorrection {
        household: corrected,
        base_version: 1,
    };
    assert!(matches!(
        store.propose(&c.village_b, &correction, "salah").await,
        Err(StoreError::NotFound)
    ));
    let correction_id = store
        .propose(&c.village_a, &correction, "jumlah kamar salah")
        .await
        .unwrap();
    let bad_move = ProposalContent::Move {
        household: existing.id,
        to_village: RegionCode::parse("35.23").unwrap(),
    };
    assert!(matches!(
        store.propose(&c.village_a, &bad_move, "pindah").await,
        Err(StoreError::Invalid { .. })
    ));
    let removal = ProposalContent::Removal {
        household: existing.id,
        person: Some(existing_members[0].id),
        reason: InactiveReason::Died,
        evidence: Some("AKTA-3523-KM-2026-0001".into()),
    };
    let removal_id = store
        .propose(&c.village_a, &removal, "meninggal")
        .await
        .unwrap();
    store
        .sign_sptjm(
            &c.village_a,
            paper(Backing::Sptjm, VILLAGE_A),
            &[removal_id],
            None,
            config,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .step_proposals(
                &verifier,
                &[removal_id],
                &Step::Reject { reason: "x".into() },
                config
            )
            .await
            .ok(),
        None,
        "the regency returns, it does not reject"
    );
    // A move is seen by the receiving regency, which cannot act on it.
    let move_id = store
        .propose(
            &c.village_a,
            &ProposalContent::Move {
                household: existing.id,
                to_village: RegionCode::parse(VILLAGE_ELSEWHERE).unwrap(),
            },
            "pindah ke Lamongan",
        )
        .await
        .unwrap();
    let lamongan = make("dinsos.lamongan", Role::RegencyVerifier, "35.24").await;
    assert_eq!(
        store
            .list_proposals(&lamongan, None, 10)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        vec![move_id]
    );
    assert!(store.proposal(&lamongan, move_id).await.unwrap().is_some());
    assert!(matches!(
        store
            .step_proposals(&lamongan, &[move_id], &Step::Verify, config)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .list_proposals(&c.village_a, None, 10)
            .await
            .unwrap()
            .len(),
        4
    );
    // The pipeline per child region and stage.
    let pipeline = store.pipeline(&c.regency, None).await.unwrap();
    let at = |stage: Stage| {
        pipeline
            .iter()
            .filter(|p| p.stage == stage)
            .map(|p| (p.region.to_string(), p.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(at(Stage::Accepted), vec![("35.23.01".to_string(), 1)]);
    assert_eq!(at(Stage::Draft), vec![("35.23.01".to_string(), 2)]);
    assert_eq!(
        at(Stage::RegencyVerification),
        vec![("35.23.01".to_string(), 1)]
    );
    assert!(
        store
            .pipeline(&c.village_b, Some(&RegionCode::parse(VILLAGE_A).unwrap()))
            .await
            .unwrap()
            .is_empty()
    );
    // A draft the register has outgrown cannot leave draft, and says why.
    let mut edited = existing.clone();
    edited.housing.rooms = 2;
    store
        .update_household(&c.village_a, &edited, 1, "kamar diukur ulang")
        .await
        .unwrap();
    let outgrown = store
        .step_proposals(
            &c.village_a,
            &[correction_id],
            &Step::Submit(Backing::Musdes),
            config,
        )
        .await;
    assert!(
        matches!(&outgrown, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("sudah berubah sejak usulan dibuat")),
        "{outgrown:?}"
    );
    let dead_again = store
        .propose(&c.village_a, &removal, "meninggal (ganda)")
        .await
        .unwrap();
    let mut gone = store
        .person(&c.village_a, existing_members[0].id)
        .await
        .unwrap()
        .unwrap();
    gone.record.status = RegistryStatus::Inactive(InactiveReason::Died);
    store
        .update_person(&c.village_a, &gone.record, gone.version, "meninggal")
        .await
        .unwrap();
    assert!(matches!(
        store
            .sign_sptjm(&c.village_a, paper(Backing::Sptjm, VILLAGE_A), &[dead_again], None, config)
            .await,
        Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("sudah tidak aktif")
    ));
    let audited: Vec<String> = store
        .audit_entries(&c.auditor, Some(&id.to_string()), 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        audited.contains(&"proposal.create".to_string())
            && audited.iter().filter(|a| *a == "proposal.step").count() == 8
    );
}

async fn period_close_applies_accepted_proposals_together(db: &TestDb) {
    use siks_domain::workflow::{Period, ProposalContent, Stage};
    let store = &db.store;
    let c = cast(store).await;
    let pusat = store
        .create_user(
            &c.admin,
            NewUser {
                username: "pusat".into(),
                display_name: "Pusat".into(),
                role: Role::Pusat,
                scope: Scope::Nation,
                password_hash: None,
            },
        )
        .await
        .unwrap()
        .actor();
    // Admins act at every stage: walk a proposal straight to accepted.
    let accept = async |id: uuid::Uuid| accept_as_admin(store, &c.admin, &[id]).await;
    let (existing, existing_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(400)
        .build();
    store
        .create_household(&c.village_a, &existing, &existing_members, "baru")
        .await
        .unwrap();

    let (new_household, new_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(500)
        .build_proposed();
    let new_id = store
        .propose(
            &c.village_a,
            &ProposalContent::NewHousehold {
                household: new_household.clone(),
                members: new_members,
            },
            "baru",
        )
        .await
        .unwrap();
    let mut rooms = existing.clone();
    rooms.housing.rooms = 4;
    let first = store
        .propose(
            &c.village_a,
            &ProposalContent::HouseholdCorrection {
                household: rooms,
                base_version: 1,
            },
            "kamar",
        )
        .await
        .unwrap();
    let mut rooms_again = existing.clone();
    rooms_again.housing.rooms = 5;
    let second = store
        .propose(
            &c.village_a,
            &ProposalContent::HouseholdCorrection {
                household: rooms_again,
                base_version: 1,
            },
            "kamar lagi",
        )
        .await
        .unwrap();
    let died = store
        .propose(
            &c.village_a,
            &ProposalContent::Removal {
                household: existing.id,
                person: Some(existing_members[1].id),
                reason: InactiveReason::Died,
                evidence: Some("AKTA-3523-KM-2026-0002".into()),
            },
            "meninggal",
        )
        .await
        .unwrap();
    let programme = store
        .propose(
            &c.village_a,
            &ProposalContent::ProgrammeRequest {
                household: existing.id,
                programme: "PKH".into(),
            },
            "usul PKH",
        )
        .await
        .unwrap();
    // Corrections of other fields of the same records take effect together with those above.
    let mut toilet = existing.clone();
    toilet.housing.toilet = if existing.housing.toilet == ToiletFacility::Shared {
        ToiletFacility::Own
    } else {
        ToiletFacility::Shared
    };
    let toilet_id = store
        .propose(
            &c.village_a,
            &ProposalContent::HouseholdCorrection {
                household: toilet.clone(),
                base_version: 1,
            },
            "jamban",
        )
        .await
        .unwrap();
    let mut renamed = existing_members[0].clone();
    renamed.full_name = format!("{} Saputra", renamed.full_name);
    let mut mother = existing_members[0].clone();
    mother.mother_name = "Wartini".into();
    let mut person_ids = Vec::new();
    for (person, note) in [(&renamed, "nama"), (&mother, "nama ibu")] {
        person_ids.push(
            store
                .propose(
                    &c.village_a,
                    &ProposalContent::PersonCorrection {
                        person: person.clone(),
                        base_version: 1,
                    },
                    note,
                )
                .await
                .unwrap(),
        );
    }
    let draft_only = store
        .propose(
            &c.village_a,
            &ProposalContent::ProgrammeRequest {
                household: existing.id,
                programme: "BPNT".into(),
            },
            "belum diajukan",
        )
        .await
        .unwrap();
    for id in [new_id, first, second, died, programme, toilet_id]
        .into_iter()
        .chain(person_ids)
    {
        accept(id).await;
    }

    let november = Period::parse("2026-11").unwrap();
    assert!(matches!(
        store.close_period(&c.regency, november).await,
        Err(StoreError::Forbidden(_))
    ));
    let report = store.close_period(&pusat, november).await.unwrap();
    assert!(!report.already_closed);
    // The fixture's household already has "PKH", so that request changes nothing but is applied.
    assert_eq!(report.applied, 7, "{report:?}");
    assert_eq!(
        report
            .sent_back
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        vec![second]
    );
    assert!(report.sent_back[0].1.contains("rooms"));

    let view = store
        .household(&c.regency, existing.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.household.record.housing.rooms, 4);
    assert_eq!(view.household.record.housing.toilet, toilet.housing.toilet);
    let first_member = view
        .members
        .iter()
        .find(|m| m.record.id == existing_members[0].id)
        .unwrap();
    assert_eq!(
        (
            first_member.record.full_name.as_str(),
            first_member.record.mother_name.as_str()
        ),
        (renamed.full_name.as_str(), "Wartini")
    );
    let dead = view
        .members
        .iter()
        .find(|m| m.record.id == existing_members[1].id)
        .unwrap();
    assert_eq!(
        dead.record.status,
        RegistryStatus::Inactive(InactiveReason::Died)
    );
    assert_eq!(dead.record.presence, Presence::Died);
    let added = store
        .household(&c.regency, new_household.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(added.household.record.status, RegistryStatus::Active);
    assert_eq!(
        store
            .proposal(&c.regency, second)
            .await
            .unwrap()
            .unwrap()
            .0
            .stage,
        Stage::Rejected
    );
    assert_eq!(
        store
            .proposal(&c.regency, new_id)
            .await
            .unwrap()
            .unwrap()
            .0
            .stage,
        Stage::Applied
    );
    assert_eq!(
        store
            .proposal(&c.regency, draft_only)
            .await
            .unwrap()
            .unwrap()
            .0
            .stage,
        Stage::Draft
    );

    // Closing again does nothing; an earlier period can no longer be closed.
    let again = store.close_period(&pusat, november).await.unwrap();
    assert!(again.already_closed && again.applied == 0);
    assert!(matches!(
        store
            .close_period(&pusat, Period::parse("2026-10").unwrap())
            .await,
        Err(StoreError::Invalid { .. })
    ));
    // Nor can a month be skipped, or one not begun be closed (on the store's own clock).
    let skipped = store
        .close_period(&pusat, Period::parse("2027-02").unwrap())
        .await;
    assert!(
        matches!(&skipped, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("2026-12 harus ditutup lebih dulu")),
        "{skipped:?}"
    );
    let early = store
        .clone()
        .with_clock(std::sync::Arc::new(
            siks_domain::clock::ManualClock::starting_at("2026-11-30T16:59:00Z".parse().unwrap()),
        ))
        .close_period(&pusat, Period::parse("2026-12").unwrap())
        .await;
    assert!(
        matches!(&early, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("2026-12 belum dimulai")),
        "{early:?}"
    );

    // A direct edit after November's close belongs to December.
    let now = store
        .household(&c.regency, existing.id)
        .await
        .unwrap()
        .unwrap();
    let mut nine = now.household.record.clone();
    nine.housing.rooms = 9;
    store
        .update_household(&c.village_a, &nine, now.household.version, "kamar ditambah")
        .await
        .unwrap();
    let (late, late_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(600)
        .build();
    store
        .create_household(&c.village_a, &late, &late_members, "baru")
        .await
        .unwrap();

    // December: one household leaves; the comparison counts it.
    let leaves = store
        .propose(
            &c.village_a,
            &ProposalContent::Removal {
                household: new_household.id,
                person: None,
                reason: InactiveReason::Moved,
                evidence: None,
            },
            "pindah",
        )
        .await
        .unwrap();
    accept(leaves).await;
    let december = Period::parse("2026-12").unwrap();
    assert_eq!(
        store.close_period(&pusat, december).await.unwrap().applied,
        1
    );
    assert_eq!(
        store.closed_periods().await.unwrap(),
        vec![november, december]
    );
    let cmp = store
        .compare_periods(&c.regency, None, november, december)
        .await
        .unwrap();
    assert_eq!(
        (cmp.households_before, cmp.households_after),
        (2, 2),
        "one left, one was registered directly"
    );
    assert_eq!((cmp.entered, cmp.left), (0, 1));
    let nov = store
        .compare_periods(
            &c.regency,
            None,
            Period::parse("2026-10").unwrap(),
            november,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            nov.households_before,
            nov.households_after,
            nov.entered,
            nov.changed
        ),
        (0, 2, 1, 6),
        "four corrections, a death and a programme request changed the register"
    );
    assert!(matches!(
        store
            .compare_periods(
                &c.village_a,
                Some(&RegionCode::parse("35.24").unwrap()),
                november,
                december
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // The fixed counts equal a recount from the history, though the register changed since.
    for period in [november, december] {
        let fixed = store.period_counts(&pusat, period).await.unwrap();
        assert!(!fixed.is_empty());
        assert_eq!(
            store.recount_period(&pusat, period).await.unwrap(),
            fixed,
            "{period}"
        );
    }
    assert_eq!(
        store.period_counts(&pusat, november).await.unwrap()[VILLAGE_A],
        (2, 2),
        "the existing household (one of two members died) and the new one of one"
    );

    // Any household as of a closed period, members included, rebuilt from the history.
    let mut newcomer = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(710)
        .build()
        .1
        .remove(0);
    newcomer.household_id = existing.id;
    store
        .add_person(&c.village_a, &newcomer, "lahir")
        .await
        .unwrap();
    let then = store
        .household_as_of(&c.regency, existing.id, november)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(then.household.housing.rooms, 4, "before December's edit");
    assert_eq!(then.members.len(), 2, "the newcomer came later");
    let died = then
        .members
        .iter()
        .find(|m| m.id == existing_members[1].id)
        .unwrap();
    assert_eq!(died.status, RegistryStatus::Inactive(InactiveReason::Died));
    let december_view = store
        .household_as_of(&c.regency, existing.id, december)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(december_view.household.housing.rooms, 9);
    assert_eq!(
        store
            .household_as_of(&c.regency, new_household.id, december)
            .await
            .unwrap()
            .unwrap()
            .household
            .status,
        RegistryStatus::Inactive(InactiveReason::Moved)
    );
    assert_eq!(
        store
            .household_as_of(&c.regency, late.id, november)
            .await
            .unwrap(),
        None,
        "registered after November closed"
    );
    assert!(matches!(
        store
            .household_as_of(&c.regency, existing.id, Period::parse("2027-01").unwrap())
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .household_as_of(&c.village_b, existing.id, november)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// A NIK already held outside the village: the village's draft is taken as any other and it is
/// told nothing; the tiers above see the clash on the proposal; the close sends it back with
/// the reason. A member joining is entered and applied like a household's correction.
async fn a_nik_held_elsewhere_is_found_above_the_village_and_sent_back(db: &TestDb) {
    use siks_domain::workflow::{Backing, Period, ProposalContent, Stage, Step, WorkflowConfig};
    let store = &db.store;
    let c = cast(store).await;
    let config = WorkflowConfig::default();
    let (elsewhere, elsewhere_members) = fake_household(VILLAGE_ELSEWHERE)
        .members(1)
        .serials_from(700)
        .build();
    store
        .create_household(&c.admin, &elsewhere, &elsewhere_members, "baru")
        .await
        .unwrap();
    let (home, home_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(730)
        .build();
    store
        .create_household(&c.admin, &home, &home_members, "baru")
        .await
        .unwrap();

    let (clash_home, mut clash_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(710)
        .build_proposed();
    clash_members[0].nik = elsewhere_members[0].nik.clone();
    let (fresh_home, fresh_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(720)
        .build_proposed();
    let new = |h: &Household, m: &[Person]| ProposalContent::NewHousehold {
        household: h.clone(),
        members: m.to_vec(),
    };
    let clash = store
        .propose(&c.village_a, &new(&clash_home, &clash_members), "baru")
        .await
        .unwrap();
    let fresh = store
        .propose(&c.village_a, &new(&fresh_home, &fresh_members), "baru")
        .await
        .unwrap();
    // A baby joining the registered household, and one whose NIK is held elsewhere.
    let (_, babies) = fake_household(VILLAGE_A)
        .members(3)
        .serials_from(740)
        .build_proposed();
    let mut baby = babies[2].clone();
    baby.household_id = home.id;
    let joins = store
        .propose(
            &c.village_a,
            &ProposalContent::MemberJoins {
                person: baby.clone(),
            },
            "kelahiran",
        )
        .await
        .unwrap();
    let mut twin = babies[1].clone();
    twin.household_id = home.id;
    twin.nik = elsewhere_members[0].nik.clone();
    let twin_joins = store
        .propose(
            &c.village_a,
            &ProposalContent::MemberJoins { person: twin },
            "pindah masuk",
        )
        .await
        .unwrap();
    // A member's NIK corrected to the one held elsewhere.
    let mut renumbered = home_members[0].clone();
    renumbered.nik = elsewhere_members[0].nik.clone();
    let renumber = store
        .propose(
            &c.village_a,
            &ProposalContent::PersonCorrection {
                person: renumbered,
                base_version: 1,
            },
            "NIK salah ketik",
        )
        .await
        .unwrap();
    // Two new households naming the same new member id (an API client chooses ids): both are
    // taken as drafts; the close keeps the first and sends the second back, and still closes.
    let (first_home, first_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(750)
        .build_proposed();
    let (second_home, mut second_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(760)
        .build_proposed();
    second_members[0].id = first_members[0].id;
    let first_new = store
        .propose(&c.village_a, &new(&first_home, &first_members), "baru")
        .await
        .unwrap();
    let second_new = store
        .propose(&c.village_a, &new(&second_home, &second_members), "baru")
        .await
        .unwrap();
    // A member id the register already has is refused at entry.
    let (third_home, mut third_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(770)
        .build_proposed();
    third_members[0].id = home_members[0].id;
    assert!(matches!(
        store
            .propose(&c.village_a, &new(&third_home, &third_members), "baru")
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let ids = [
        clash, fresh, joins, twin_joins, renumber, first_new, second_new,
    ];
    // Nothing of it shows to the village's own accounts, an admin of the village's included.
    let village_admin = store
        .create_user(
            &c.admin,
            NewUser {
                username: "admin.desa".into(),
                display_name: "Admin desa".into(),
                role: Role::Admin,
                scope: Scope::parse(VILLAGE_A).unwrap(),
                password_hash: None,
            },
        )
        .await
        .unwrap()
        .actor();
    for id in ids {
        for village in [&c.village_a, &village_admin] {
            let village_sees = store.proposal_subject(village, id).await.unwrap().unwrap();
            assert!(
                village_sees.clashes.is_empty(),
                "the village is told nothing"
            );
        }
    }
    for (id, clashes) in [
        (clash, 1),
        (fresh, 0),
        (joins, 0),
        (twin_joins, 1),
        (renumber, 1),
    ] {
        let regency_sees = store
            .proposal_subject(&c.regency, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(regency_sees.clashes.len(), clashes, "{regency_sees:?}");
        if let Some(finding) = regency_sees.clashes.first() {
            assert!(finding.contains("sudah terdaftar aktif"), "{finding}");
            assert!(
                !finding.contains(&elsewhere_members[0].nik.raw()),
                "the NIK is masked: {finding}"
            );
        }
    }
    let joining = store
        .proposal_subject(&c.regency, joins)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(joining.member.as_deref(), Some(baby.full_name.as_str()));
    assert!(
        matches!(
            &joining.what,
            siks_domain::workflow::Asked::MemberJoins { name, .. } if *name == baby.full_name
        ),
        "{:?}",
        joining.what
    );
    assert!(
        joining.what.indonesian().starts_with("anggota baru: "),
        "{}",
        joining.what.indonesian()
    );

    // The village submits them all (nothing reveals the clash there); the rest goes up.
    store
        .sign_sptjm(
            &c.village_a,
            paper(Backing::Sptjm, VILLAGE_A),
            &ids,
            Some(SCAN),
            config,
        )
        .await
        .unwrap();
    store
        .step_proposals(&c.admin, &ids, &Step::Verify, config)
        .await
        .unwrap();
    store
        .ratify(
            &c.admin,
            &RegionCode::parse("35.23").unwrap(),
            Some(&ids),
            config,
        )
        .await
        .unwrap();
    for step in [Step::Forward, Step::Accept] {
        store
            .step_proposals(&c.admin, &ids, &step, config)
            .await
            .unwrap();
    }
    let preview = store
        .close_preview(&c.admin, Period::parse("2026-11").unwrap())
        .await
        .unwrap();
    let report = store
        .close_period(&c.admin, Period::parse("2026-11").unwrap())
        .await
        .unwrap();
    assert_eq!(
        preview.applies(),
        report.applied,
        "the preview counted the close"
    );
    assert_eq!(preview.sent_back.len(), report.sent_back.len());
    assert_eq!(report.applied, 3, "{report:?}");
    let mut back: Vec<uuid::Uuid> = report.sent_back.iter().map(|(id, _)| *id).collect();
    back.sort();
    let mut expected = vec![clash, twin_joins, renumber, second_new];
    expected.sort();
    assert_eq!(back, expected);
    for (id, why) in &report.sent_back {
        if *id == second_new {
            assert!(why.contains("sudah dipakai"), "{why}");
        } else {
            assert!(
                why.contains("sudah terdaftar aktif di rumah tangga lain"),
                "{why}"
            );
        }
        assert!(
            !why.contains(&elsewhere.id.to_string()),
            "names no household: {why}"
        );
    }
    let (p, _) = store.proposal(&c.village_a, clash).await.unwrap().unwrap();
    assert_eq!(p.stage, Stage::Rejected);
    assert!(p.reason.contains("sudah terdaftar aktif"), "{}", p.reason);
    // The fresh household and the baby are in the register, active.
    let view = store
        .household(&c.village_a, home.id)
        .await
        .unwrap()
        .unwrap();
    let added = view
        .members
        .iter()
        .find(|m| m.record.id == baby.id)
        .expect("the baby joined");
    assert_eq!(added.record.status, RegistryStatus::Active);
    assert_eq!(view.members.len(), 2);
    let fresh_view = store
        .household(&c.village_a, fresh_home.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh_view.household.record.status, RegistryStatus::Active);
}

#[tokio::test]
async fn a_nik_held_elsewhere_on_both_engines() {
    on_both_engines!(a_nik_held_elsewhere_is_found_above_the_village_and_sent_back);
}

#[tokio::test]
async fn proposals_go_up_tier_by_tier_on_both_engines() {
    on_both_engines!(proposals_go_up_tier_by_tier);
}

#[tokio::test]
async fn a_failed_close_changes_nothing_on_both_engines() {
    on_both_engines!(a_failed_close_changes_nothing);
}

#[tokio::test]
async fn a_close_runs_once_on_both_engines() {
    on_both_engines!(a_close_runs_once_and_a_dead_one_is_taken_back);
}

#[tokio::test]
async fn period_close_on_both_engines() {
    on_both_engines!(period_close_applies_accepted_proposals_together);
}
