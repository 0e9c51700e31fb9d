//! The commands around the web application: `serve`, `demo`, `user …` and `audit verify`.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use siks_domain::{Bilingual, RegionCode, RegionLevel, Regions, Role, Scope};
use siks_service::{NewUser, Service};

use crate::{open, parse_region, prepare_demo, store_error};

#[derive(Subcommand)]
pub enum UserAction {
    /// Create an account; its first password is printed once.
    Add {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        username: String,
        /// operator_desa, operator_kecamatan, operator_kabupaten, verifikator_kabupaten,
        /// pengesah, operator_provinsi, pusat, auditor, admin.
        #[arg(long)]
        role: String,
        /// A region code at the role's level, or * for the whole country.
        #[arg(long)]
        scope: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// List accounts.
    List {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
    /// Deactivate an account (its history stays).
    Disable {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        username: String,
    },
    /// Take an account's second factor away (a lost phone; for the nation's admins, who have
    /// nobody above them on the pages): it enrols again at its next sign-in.
    ResetSecondFactor {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
pub enum TokenAction {
    /// Every API token: id, account, name, scope, access, expiry, last use, state.
    List {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
    /// Revoke an API token by its id: requests with it are refused from now on.
    Revoke {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        id: String,
    },
}

pub async fn token(action: TokenAction) -> Result<()> {
    match action {
        TokenAction::List { db } => {
            let service = open(&db).await?;
            let system = service.system_actor().await.map_err(store_error)?;
            let now = service.now();
            for t in service.api_tokens(&system).await.map_err(store_error)? {
                let state = if t.revoked_at.is_some() {
                    "dicabut"
                } else if t.live_at(now) {
                    "berlaku"
                } else {
                    "kedaluwarsa"
                };
                println!(
                    "{} {:<16} {:<24} {:<12} {:<5} s.d. {} terakhir {} {state}",
                    t.id,
                    t.username,
                    t.name,
                    t.scope.key(),
                    t.access.key(),
                    t.expires_at,
                    t.last_used_at
                        .map(|at| at.text())
                        .unwrap_or_else(|| "belum pernah".into()),
                );
            }
            Ok(())
        }
        TokenAction::Revoke { db, id } => {
            let service = open(&db).await?;
            let system = service.system_actor().await.map_err(store_error)?;
            match service.revoke_api_token(&system, id.trim()).await {
                Ok(()) => {
                    println!("token {id} dicabut");
                    Ok(())
                }
                Err(siks_service::ServiceError::NotFound) => bail!("token '{id}' tidak ada"),
                Err(e) => Err(store_error(e)),
            }
        }
    }
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// Recompute the audit log's hash chain; with --anchor, also check it against an anchor.
    Verify {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// An anchor file (`siks audit anchor`), or a folder of them (the server's): the
        /// entries it counts must all be there as they were.
        #[arg(long)]
        anchor: Option<std::path::PathBuf>,
    },
    /// Make a first audit key for a database whose log has entries but no key (made before
    /// keys, or its key lost): the entries after the current ones are keyed with it.
    NewKey {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
    /// Breach scoping (UU 27/2022 Pasal 46): what one account's or one address's actions
    /// between two moments exposed (the kinds of data, the channels, the subjects by region),
    /// and with --letter the notice with the law's three contents.
    Scope {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// The account (username) whose credential is in question.
        #[arg(long, conflicts_with_all = ["origin", "token"], required_unless_present_any = ["origin", "token"])]
        actor: Option<String>,
        /// Or the address the actions came from.
        #[arg(long, conflicts_with = "token")]
        origin: Option<String>,
        /// Or an API token, by its id (`siks token list`).
        #[arg(long)]
        token: Option<String>,
        /// From (inclusive): YYYY-MM-DD (00:00 UTC) or an RFC 3339 moment.
        #[arg(long)]
        from: String,
        /// To (exclusive), as --from.
        #[arg(long)]
        to: String,
        /// Write the notice to this file.
        #[arg(long)]
        letter: Option<std::path::PathBuf>,
    },
    /// The audit log's retention (UU 27/2022 Pasal 43): the entries older than
    /// --older-than-years go into an archive in --dir sealed with the data key (as a backup),
    /// checked as a chain, and only then leave the database, whose chain then begins at a
    /// signed start. For a timer. Keep the archive as long as the law asks.
    Archive {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        older_than_years: u32,
        #[arg(long)]
        dir: std::path::PathBuf,
        /// Only count the entries that would go.
        #[arg(long)]
        dry_run: bool,
    },
    /// Open an audit archive with the data key and check its chain.
    ArchiveCheck {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        file: std::path::PathBuf,
    },
    /// Sign the audit log's head (count, last hash, time) with the audit key, to keep
    /// elsewhere: printed, or written to --out.
    Anchor {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

/// How often a server anchors its audit log.
pub const ANCHOR_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Where a server anchors the audit log of `db` unless told: beside a SQLite database.
pub fn anchor_dir(db: &str) -> Option<std::path::PathBuf> {
    crate::sqlite_path(db).map(|path| std::path::PathBuf::from(format!("{path}.anchors")))
}

/// Writes an anchor of the audit log into `dir` (made 0700 when missing) when the log grew
/// since the newest anchor there; the file written, if any. Every anchor already there is
/// checked against the log first: a log that no longer holds what an earlier anchor counted
/// (a removed tail that has grown back past it) is an error, and no new anchor is written over
/// it. A file that does not read, or is not signed with this key, is passed over and said.
pub async fn write_anchor(service: &Service, dir: &Path) -> Result<Option<std::path::PathBuf>> {
    let system = service.system_actor().await.map_err(store_error)?;
    let anchor = service.audit_anchor(&system).await.map_err(store_error)?;
    let mut newest: Option<i64> = None;
    for (path, read) in anchors_in(dir) {
        use siks_service::audit::AnchorCheck;
        let earlier = match read {
            Ok(earlier) => earlier,
            Err(e) => {
                tracing::warn!(error = %e, "anchor passed over");
                continue;
            }
        };
        match service
            .check_audit_anchor(&system, &earlier)
            .await
            .map_err(store_error)?
        {
            AnchorCheck::Holds | AnchorCheck::Archived { .. } => {
                newest = newest.max(Some(earlier.entries))
            }
            AnchorCheck::Forged => {
                tracing::warn!(file = %path.display(), "anchor not signed with this key, passed over");
            }
            broken => bail!(
                "log audit tidak sesuai jangkar {} ({broken:?}): tidak ada jangkar baru yang ditulis; periksa dengan `siks audit verify --anchor`",
                path.display()
            ),
        }
    }
    if newest.is_some_and(|n| n >= anchor.entries) {
        return Ok(None);
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("tidak dapat membuat {}", dir.display()))?;
    let path = dir.join(format!("audit-{:012}.anchor", anchor.entries));
    // Whole or not at all: written beside, made durable, then renamed into place.
    let part = dir.join(format!("audit-{:012}.anchor.part", anchor.entries));
    write_private(&part, &anchor.to_text())
        .and_then(|()| std::fs::File::open(&part)?.sync_all())
        .and_then(|()| std::fs::rename(&part, &path))
        .and_then(|()| std::fs::File::open(dir)?.sync_all())
        .with_context(|| format!("tidak dapat menulis {}", path.display()))?;
    Ok(Some(path))
}

/// Every `*.anchor` file in `dir` (a server's folder), each read or with why it does not read.
fn anchors_in(dir: &Path) -> Vec<(std::path::PathBuf, Result<siks_service::audit::AuditAnchor>)> {
    let Ok(files) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<_> = files
        .flatten()
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|e| e == "anchor"))
        .map(|p| {
            let read = read_anchor(&p);
            (p, read)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn read_anchor(path: &Path) -> Result<siks_service::audit::AuditAnchor> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("tidak dapat membaca jangkar {}", path.display()))?;
    siks_service::audit::AuditAnchor::parse(&text)
        .map_err(|e| anyhow!("{}: {}", path.display(), e.indonesian()))
}

/// Writes a file only its owner may read (0600): the demo's passwords.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // A file that was there before keeps its mode on open: set it.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(text.as_bytes())
}

/// A password for a new account: 14 characters from an alphabet without look-alikes.
fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3468";
    let token = siks_service::random_token();
    let bytes = token.as_bytes();
    let mut out: String = bytes
        .chunks(2)
        .take(12)
        .map(|pair| {
            let n = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0);
            ALPHABET[n as usize % ALPHABET.len()] as char
        })
        .collect();
    // Always a digit and a letter, as the password rule asks.
    out.push_str(&format!("{}", (bytes[30] % 10)));
    out.push('k');
    out
}

async fn add_user(
    service: &Service,
    username: &str,
    name: &str,
    role: Role,
    scope: Scope,
) -> Result<String> {
    let admin = service.system_actor().await.map_err(store_error)?;
    let password = new_password();
    let hash = siks_web::auth::hash_password(password.clone())
        .await
        .map_err(|e| anyhow!("{}", e.message()))?;
    service
        .create_user(
            &admin,
            NewUser {
                username: username.to_string(),
                display_name: name.to_string(),
                role,
                scope,
                password_hash: Some(hash),
            },
        )
        .await
        .map_err(store_error)?;
    Ok(password)
}

pub async fn user(action: UserAction) -> Result<()> {
    match action {
        UserAction::Add {
            db,
            username,
            role,
            scope,
            name,
        } => {
            let service = open(&db).await?;
            let role = Role::parse(&role).map_err(|e| anyhow!("--role: {}", e.indonesian()))?;
            let scope = Scope::parse(&scope).map_err(|e| anyhow!("--scope: {}", e.indonesian()))?;
            let password = add_user(
                &service,
                &username,
                name.as_deref().unwrap_or(&username),
                role,
                scope,
            )
            .await?;
            println!("akun {username} dibuat; kata sandi awal (ditampilkan sekali): {password}");
            Ok(())
        }
        UserAction::List { db } => {
            let service = open(&db).await?;
            let admin = service.system_actor().await.map_err(store_error)?;
            for u in service.list_users(&admin).await.map_err(store_error)? {
                println!(
                    "{:<24} {:<22} {:<16} {}",
                    u.username,
                    u.role.key(),
                    u.scope.key(),
                    if u.active { "aktif" } else { "nonaktif" }
                );
            }
            Ok(())
        }
        UserAction::Disable { db, username } => {
            let service = open(&db).await?;
            let admin = service.system_actor().await.map_err(store_error)?;
            let user = account_named(&service, &username).await?;
            service
                .set_user_active(&admin, user.id, false)
                .await
                .map_err(store_error)?;
            println!("akun {username} dinonaktifkan");
            Ok(())
        }
        UserAction::ResetSecondFactor { db, username } => {
            let service = open(&db).await?;
            let admin = service.system_actor().await.map_err(store_error)?;
            let user = account_named(&service, &username).await?;
            service
                .reset_second_factor(&admin, user.id)
                .await
                .map_err(store_error)?;
            println!(
                "faktor kedua akun {username} diatur ulang; akun mendaftar lagi saat masuk berikutnya"
            );
            Ok(())
        }
    }
}

/// The account a command names, or a message that there is none.
async fn account_named(service: &Service, username: &str) -> Result<siks_service::UserRecord> {
    service
        .user_by_username(username)
        .await
        .map_err(store_error)?
        .ok_or_else(|| anyhow!("akun {username} tidak ada"))
}

pub async fn audit(action: AuditAction) -> Result<()> {
    match action {
        AuditAction::Verify { db, anchor } => {
            let service = open(&db).await?;
            let admin = service.system_actor().await.map_err(store_error)?;
            let result = service
                .verify_audit_chain(&admin)
                .await
                .map_err(store_error)?;
            if let Some(seq) = result.broken_at {
                bail!(
                    "rantai log audit RUSAK mulai entri {seq} ({} entri sebelumnya utuh)",
                    result.entries
                );
            }
            let keyed = match service.audit_key() {
                Some(key) => format!("berkunci setelah entri {}", key.keyed_after()),
                None => "tanpa kunci".into(),
            };
            let start = service.audit_start().await.map_err(store_error)?;
            let archived = if start.seq > 0 {
                format!(
                    "; entri 1 sampai {} diarsipkan pada {} (sha256 {})",
                    start.seq, start.at, start.archive
                )
            } else {
                String::new()
            };
            println!(
                "rantai log audit utuh: {} entri diperiksa ({keyed}){archived}",
                result.entries
            );
            let Some(path) = anchor else {
                return Ok(());
            };
            // A file, or every anchor of a server's folder: each must hold.
            let anchors = if path.is_dir() {
                let all = anchors_in(&path);
                if all.is_empty() {
                    bail!("tidak ada jangkar (*.anchor) di {}", path.display());
                }
                all
            } else {
                let read = read_anchor(&path);
                vec![(path, read)]
            };
            use siks_service::audit::AnchorCheck;
            let mut failures = Vec::new();
            for (file, read) in anchors {
                let anchor = match read {
                    Ok(anchor) => anchor,
                    Err(e) => {
                        failures.push(format!("{e}"));
                        continue;
                    }
                };
                match service
                    .check_audit_anchor(&admin, &anchor)
                    .await
                    .map_err(store_error)?
                {
                    AnchorCheck::Holds => println!(
                        "sesuai jangkar {} ({} entri pada {})",
                        file.display(),
                        anchor.entries,
                        anchor.at
                    ),
                    AnchorCheck::Forged => failures.push(format!(
                        "jangkar {} PALSU: tanda tangannya bukan dari kunci audit ini",
                        file.display()
                    )),
                    AnchorCheck::Truncated { anchored, present } => failures.push(format!(
                        "log audit TERPOTONG: jangkar {} mencatat {anchored} entri, entri {anchored} tidak ada lagi (log sampai entri {present})",
                        file.display()
                    )),
                    AnchorCheck::Rewritten { seq } => failures.push(format!(
                        "log audit DIUBAH: entri {seq} tidak sama dengan jangkar {}",
                        file.display()
                    )),
                    AnchorCheck::Archived { archived_to } => println!(
                        "jangkar {} ({} entri): entri sampai {archived_to} sudah diarsipkan (periksa arsipnya dengan `siks audit archive-check`)",
                        file.display(),
                        anchor.entries
                    ),
                }
            }
            if failures.is_empty() {
                Ok(())
            } else {
                bail!("{}", failures.join("\n"))
            }
        }
        AuditAction::NewKey { db } => crate::new_audit_key(&db).await,
        AuditAction::Archive {
            db,
            older_than_years,
            dir,
            dry_run,
        } => crate::backup::archive_audit(&db, older_than_years, &dir, dry_run).await,
        AuditAction::ArchiveCheck { db, file } => {
            crate::backup::check_audit_archive(&db, &file).await
        }
        AuditAction::Scope {
            db,
            actor,
            origin,
            token,
            from,
            to,
            letter,
        } => {
            breach_scope(
                &db,
                actor.as_deref(),
                origin.as_deref(),
                token.as_deref(),
                &from,
                &to,
                letter.as_deref(),
            )
            .await
        }
        AuditAction::Anchor { db, out } => {
            let service = open(&db).await?;
            let admin = service.system_actor().await.map_err(store_error)?;
            let anchor = service.audit_anchor(&admin).await.map_err(store_error)?;
            match out {
                None => print!("{}", anchor.to_text()),
                Some(path) => {
                    write_private(&path, &anchor.to_text())
                        .with_context(|| format!("tidak dapat menulis {}", path.display()))?;
                    println!(
                        "jangkar ditulis ke {} ({} entri); simpan di luar server basis data",
                        path.display(),
                        anchor.entries
                    );
                }
            }
            Ok(())
        }
    }
}

/// A moment given on the command line: a date is its 00:00 UTC.
fn moment(text: &str, what: &str) -> Result<siks_domain::clock::Stamp> {
    use siks_domain::clock::Stamp;
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let midnight = date.and_time(chrono::NaiveTime::MIN).and_utc();
        return Ok(Stamp(midnight));
    }
    match Stamp::parse(text) {
        Some(stamp) => Ok(stamp),
        None => bail!(
            "{what} '{text}' bukan tanggal (YYYY-MM-DD) atau waktu RFC 3339 (2026-11-02T08:00:00Z)"
        ),
    }
}

/// `siks audit scope`: see [`AuditAction::Scope`].
async fn breach_scope(
    db: &str,
    account: Option<&str>,
    origin: Option<&str>,
    token: Option<&str>,
    from: &str,
    to: &str,
    letter: Option<&Path>,
) -> Result<()> {
    use siks_service::accounts::BreachActor;
    let (from, to) = (moment(from, "--from")?, moment(to, "--to")?);
    if from.0 >= to.0 {
        bail!("--from {from} harus sebelum --to {to}");
    }
    let service = open(db).await?;
    // An account that does not exist, or an address that is not one, would scope nothing and
    // write a notice that nothing was exposed: refused instead. The log keeps usernames as
    // they are (lower case) and addresses in their standard form.
    let (account, origin) = (
        account.map(|a| a.trim().to_lowercase()),
        origin.map(|o| o.trim().to_string()),
    );
    let (who, named) = match (&account, &origin) {
        (Some(name), _) => {
            if service
                .user_by_username(name)
                .await
                .map_err(store_error)?
                .is_none()
            {
                bail!("akun '{name}' tidak ada");
            }
            (BreachActor::Account(name), format!("akun {name}"))
        }
        (None, Some(address)) => {
            let Ok(ip) = address.parse::<std::net::IpAddr>() else {
                bail!("--origin '{address}' bukan alamat IP");
            };
            if ip.to_string() != *address {
                bail!("--origin: tulis alamatnya sebagai {ip}");
            }
            (BreachActor::Origin(address), format!("alamat {address}"))
        }
        (None, None) => match token {
            Some(id) => {
                let system = service.system_actor().await.map_err(store_error)?;
                let Some(found) = service
                    .api_token_by_id(&system, id.trim())
                    .await
                    .map_err(store_error)?
                else {
                    bail!("token '{id}' tidak ada (lihat siks token list)");
                };
                (
                    BreachActor::Token(id.trim()),
                    format!(
                        "token {} ({}) milik akun {}",
                        found.id, found.name, found.username
                    ),
                )
            }
            None => bail!("sebutkan --actor AKUN, --origin ALAMAT atau --token ID"),
        },
    };
    let system = service.system_actor().await.map_err(store_error)?;
    let started = std::time::Instant::now();
    let scope = service
        .breach_scope(&system, who, &from, &to)
        .await
        .map_err(store_error)?;
    let (persons, households, rows) = scope.totals();
    println!(
        "{named} {from} – {to}: {} entri audit dibaca dalam {:.1} s, {} menampilkan data pribadi: {persons} orang, {households} rumah tangga, {rows} baris daftar/ekspor/unggahan",
        scope.entries,
        started.elapsed().as_secs_f64(),
        scope.exposing
    );
    for (channel, n) in &scope.channels {
        println!("  melalui {}: {n}", channel.indonesian());
    }
    for kind in &scope.kinds {
        println!("  data: {}", kind.indonesian());
    }
    let regions = siks_domain::Regions::embedded();
    let name_of = |code: &str| {
        siks_domain::RegionCode::parse(code)
            .ok()
            .and_then(|c| regions.get(&c).map(|r| r.name.clone()))
            .unwrap_or_else(|| code.to_string())
    };
    for (code, tally) in &scope.regions {
        println!(
            "  {} ({code}): {} tindakan, {} orang, {} rumah tangga, {} baris",
            name_of(code),
            tally.actions,
            tally.persons.len(),
            tally.households.len(),
            tally.rows
        );
    }
    if let Some(path) = letter {
        write_private(
            path,
            &scope.notice(&named, &from.text(), &to.text(), &name_of),
        )
        .with_context(|| format!("tidak dapat menulis {}", path.display()))?;
        println!("surat pemberitahuan ditulis ke {}", path.display());
    }
    Ok(())
}

/// The start-up self-check, in one line: what the database promises to keep after a crash and
/// the database file's mode. Refuses to start on unsafe durability unless `allow_unsafe`.
pub async fn start_up_check(service: &Service, db: &str, allow_unsafe: bool) -> Result<()> {
    let durability = service.durability().await.map_err(store_error)?;
    let file = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
        .map(|path| file_mode_line(path.split('?').next().unwrap_or_default()))
        .unwrap_or_else(|| "berkas: dikelola PostgreSQL".into());
    let key = match service.audit_key() {
        Some(key) => format!(
            "kunci audit {}",
            file_mode_line(&key.path().to_string_lossy()).trim_start_matches("berkas ")
        ),
        None => "kunci audit TIDAK ADA (SIKS_AUDIT_KEY)".into(),
    };
    let keys = service.field_keys();
    let field_keys = match keys.path() {
        Some(path) => format!(
            "; kunci medan {}",
            file_mode_line(&path.to_string_lossy()).trim_start_matches("berkas ")
        ),
        None => "; kunci medan milik proses ini".into(),
    };
    println!(
        "pemeriksaan awal: {}; {file}; {key}{field_keys}{}",
        durability.line(),
        if durability.is_safe() {
            ""
        } else {
            "; TIDAK AMAN"
        }
    );
    if !durability.is_safe() && !allow_unsafe {
        anyhow::bail!(
            "basis data dapat kehilangan tulisan yang sudah dikonfirmasi setelah mati listrik ({}); perbaiki pengaturannya, atau jalankan dengan --unsafe-durability bila memang disengaja",
            durability.unsafe_settings.join(", ")
        );
    }
    if service.audit_key().is_none() {
        anyhow::bail!(
            "log audit tanpa kunci: sebutkan berkas kuncinya di SIKS_AUDIT_KEY (dibuat bila belum ada, mode 600, di server siks, bukan di server basis data)"
        );
    }
    Ok(())
}

/// The database file's mode, and whether others than its owner may read it.
fn file_mode_line(path: &str) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(m) => {
                let mode = m.permissions().mode() & 0o777;
                if mode & 0o077 == 0 {
                    format!("berkas {mode:o}")
                } else {
                    format!("berkas {mode:o} (dapat dibaca pengguna lain: chmod 600)")
                }
            }
            Err(_) => "berkas: tidak terbaca".into(),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        "berkas: mode tidak diperiksa".into()
    }
}

/// How the server is reached, as `siks serve` is told.
#[derive(Debug, Clone, Copy, Default)]
pub struct Transport {
    pub behind_https: bool,
    pub secure_cookies: bool,
    pub plain_http: bool,
}

impl Transport {
    /// (Secure cookies with the `__Host-` prefix, HSTS) for a server listening on `address`:
    /// Secure by default, unless it serves plain HTTP on loopback (a demo, a developer) or is
    /// told it serves plain HTTP elsewhere; HSTS only when told it is behind HTTPS.
    pub fn cookies_and_hsts(self, address: std::net::SocketAddr) -> (bool, bool) {
        let secure = self.behind_https
            || self.secure_cookies
            || (!self.plain_http && !address.ip().is_loopback());
        (secure, self.behind_https)
    }
}

/// Where a server keeps the journal of views of `db` (beside a SQLite database; PostgreSQL
/// needs none).
pub fn view_journal_dir(db: &str) -> Option<std::path::PathBuf> {
    crate::sqlite_path(db).map(|path| std::path::PathBuf::from(format!("{path}.views")))
}

pub async fn serve(
    service: Service,
    listen: &str,
    transport: Transport,
    anchors: Option<std::path::PathBuf>,
    trusted_proxies: Vec<siks_web::rate::Network>,
    views: Option<std::path::PathBuf>,
) -> Result<()> {
    let service = match views {
        Some(dir) => service.with_view_journal(&dir).await.map_err(store_error)?,
        None => service,
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("tidak dapat mendengarkan di {listen}"))?;
    let address = listener.local_addr()?;
    let (secure_cookies, hsts) = transport.cookies_and_hsts(address);
    if secure_cookies && !transport.behind_https && !transport.secure_cookies {
        println!(
            "kuki Secure (__Host-): buka lewat HTTPS di depan server ini (--behind-https), atau --plain-http untuk jaringan uji"
        );
    }
    // Jobs the previous server was running when it stopped are marked interrupted, to be run
    // again from their pages.
    let interrupted = service.recover_after_restart().await.map_err(store_error)?;
    if interrupted > 0 {
        println!("{interrupted} tugas terputus ketika server berhenti; jalankan lagi dari /tugas");
    }
    // An import that died with its process left part of its batch: undone before anyone works
    // on it.
    let undone = service
        .undo_abandoned_imports()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if undone > 0 {
        println!("{undone} impor yang terhenti di tengah jalan dibatalkan seluruhnya");
    }
    // So is a period close that died while it wrote.
    for period in service.undo_abandoned_closes().await.map_err(store_error)? {
        println!("penutupan periode {period} yang terhenti di tengah jalan dibatalkan seluruhnya");
    }
    let app = siks_web::router(
        service.clone(),
        siks_web::AppConfig {
            secure_cookies,
            hsts,
            trusted_proxies,
            ..Default::default()
        },
    );
    if let Some(dir) = anchors.filter(|_| service.audit_key().is_some()) {
        println!(
            "jangkar log audit setiap {} menit di {}",
            ANCHOR_EVERY.as_secs() / 60,
            dir.display()
        );
        let service = service.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(ANCHOR_EVERY);
            loop {
                every.tick().await;
                if let Err(e) = write_anchor(&service, &dir).await {
                    tracing::error!(error = %e, "audit anchor not written");
                }
            }
        });
    }
    // A key rotation (`siks key rotate`, another process) changes the field keys' file: read
    // again every few seconds, so that this server opens what the rotation seals anew and
    // seals with the new key itself.
    {
        let service = service.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(siks_service::accounts::FIELD_KEYS_RELOAD);
            loop {
                every.tick().await;
                match service.reload_field_keys() {
                    Ok(true) => tracing::info!("field keys read again after a rotation"),
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e.english(), "field keys not read again"),
                }
            }
        });
    }
    println!("siks siap di http://{address} (hentikan dengan Ctrl-C)");
    siks_web::serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    // The views recorded while serving, into the audit log now rather than at the next start.
    if let Err(e) = service.fold_views_now().await {
        eprintln!("{}", e.indonesian());
    }
    // Stopped on purpose: the jobs still running are cut off now, and said so at once rather
    // than at the next start.
    let system = service.system_actor().await.map_err(store_error)?;
    let interrupted = service
        .interrupt_running_jobs(&system)
        .await
        .map_err(store_error)?;
    if interrupted > 0 {
        println!("{interrupted} tugas dihentikan bersama server; jalankan lagi dari /tugas");
    }
    Ok(())
}

const ACCOUNTS_FILE: &str = "akun-demo.txt";

/// Enrols a demo account's second factor, as its first sign-in would: the secret (base32),
/// which goes into the demo's accounts file for an authenticator app.
async fn enrol_demo_account(service: &Service, username: &str) -> Result<String> {
    let user = service
        .user_by_username(username)
        .await
        .map_err(store_error)?
        .ok_or_else(|| anyhow!("akun demo {username} tidak ada"))?;
    let secret = service.begin_enrolment(&user).await.map_err(store_error)?;
    let code = secret.code_at(service.now().timestamp());
    match service
        .confirm_enrolment(&user, "", &code, "cli")
        .await
        .map_err(store_error)?
    {
        Ok(Some(_)) => Ok(secret.base32()),
        _ => bail!("faktor kedua akun demo {username} tidak dapat didaftarkan"),
    }
}

/// The demo's accounts: one per role, inside the demo region.
/// One account per role, each over the part of `region` its role covers; `home` (a village with
/// households) is where the village and district accounts work.
fn demo_accounts(
    region: &RegionCode,
    home: Option<&RegionCode>,
) -> Vec<(&'static str, Role, Scope)> {
    let regions = Regions::embedded();
    let at = |level: RegionLevel| {
        home.and_then(|h| h.at_level(level))
            .or_else(|| region.at_level(level))
            .or_else(|| {
                regions
                    .descendants_at(Some(region), level)
                    .next()
                    .map(|r| r.code.clone())
            })
            .map(Scope::Region)
            .unwrap_or(Scope::Nation)
    };
    vec![
        ("desa", Role::VillageOperator, at(RegionLevel::Village)),
        (
            "kecamatan",
            Role::DistrictOperator,
            at(RegionLevel::District),
        ),
        ("dinsos", Role::RegencyOperator, at(RegionLevel::Regency)),
        (
            "verifikator",
            Role::RegencyVerifier,
            at(RegionLevel::Regency),
        ),
        ("pengesah", Role::Ratifier, at(RegionLevel::Regency)),
        (
            "provinsi",
            Role::ProvinceOperator,
            at(RegionLevel::Province),
        ),
        ("pusat", Role::Pusat, Scope::Nation),
        ("auditor", Role::Auditor, Scope::Nation),
        ("dpo", Role::Dpo, Scope::Nation),
        ("admin", Role::Admin, Scope::Nation),
    ]
}

/// A few proposals of the demo village at every waiting stage, moved there by each role's own
/// demo account, so that the inboxes, the papers and the dashboard's pipeline have something to
/// show. The scans are a placeholder PDF.
async fn seed_demo_pipeline(service: &Service) -> Result<()> {
    use siks_domain::documents::BackingDocument;
    use siks_domain::workflow::{Backing, ProposalContent, Step, WorkflowConfig};
    let actor = async |name: &str| -> Result<siks_domain::Actor> {
        service
            .actor_for_username(name)
            .await
            .map_err(store_error)?
            .ok_or_else(|| anyhow::anyhow!("akun demo {name} tidak ada"))
    };
    let (village, verifier, ratifier, province) = (
        actor("desa").await?,
        actor("verifikator").await?,
        actor("pengesah").await?,
        actor("provinsi").await?,
    );
    let Some(village_code) = village.scope.region().cloned() else {
        return Ok(());
    };
    let households = service
        .list_households(
            &village,
            &siks_service::HouseholdFilter {
                limit: 12,
                ..Default::default()
            },
        )
        .await
        .map_err(store_error)?;
    if households.is_empty() {
        return Ok(());
    }
    let config = WorkflowConfig::default();
    let mut ids = Vec::new();
    for (n, h) in households.iter().cycle().take(12).enumerate() {
        let programme = ["PKH", "SEMBAKO", "PBI-JK"][n % 3];
        let content = ProposalContent::ProgrammeRequest {
            household: h.id,
            programme: programme.into(),
        };
        ids.push(
            service
                .propose(&village, &content, &format!("permohonan {programme}"))
                .await
                .map_err(store_error)?,
        );
    }
    let today = service.today();
    let paper = |kind| BackingDocument {
        kind,
        village: village_code.clone(),
        held_on: today,
        place: "Balai Desa".into(),
        attendees: 40,
        chair: "Kepala Desa Demo".into(),
        chair_title: "Kepala Desa".into(),
    };
    const SCAN: &[u8] = b"%PDF-1.4 contoh pindaian demo";
    // 0-2 stay drafts; 3-5 wait for the musdes; 6-11 went up with an SPTJM.
    service
        .step_proposals(&village, &ids[3..], &Step::Submit(Backing::Musdes), config)
        .await
        .map_err(store_error)?;
    let decisions: Vec<_> = ids[6..]
        .iter()
        .map(|id| siks_service::documents::MusdesDecision {
            proposal: *id,
            approved: true,
            reason: String::new(),
        })
        .collect();
    service
        .record_musdes(
            &village,
            paper(Backing::Musdes),
            &decisions,
            Some(SCAN),
            config,
        )
        .await
        .map_err(store_error)?;
    // 6-7 wait for the regency; 8-9 for ratification; 10-11 were ratified, one went back.
    service
        .step_proposals(&verifier, &ids[8..], &Step::Verify, config)
        .await
        .map_err(store_error)?;
    let regency = village_code
        .at_level(RegionLevel::Regency)
        .ok_or_else(|| anyhow::anyhow!("desa demo tanpa kabupaten"))?;
    service
        .ratify(&ratifier, &regency, Some(&ids[10..]), config)
        .await
        .map_err(store_error)?;
    service
        .step_proposals(
            &province,
            &ids[11..],
            &Step::Return {
                reason: "lampirkan foto rumah tampak depan".into(),
            },
            config,
        )
        .await
        .map_err(store_error)?;

    println!(
        "{} usulan contoh di desa/kelurahan {village_code}: draf, musdes, verifikasi kabupaten, pengesahan, verifikasi provinsi dan dikembalikan",
        ids.len()
    );
    Ok(())
}

pub async fn demo(
    dir: &Path,
    region: &str,
    households: usize,
    seed: u64,
    listen: Option<&str>,
) -> Result<()> {
    let region = parse_region(region)?;
    let (url, created) = prepare_demo(dir, &region, households, seed).await?;
    let service = open(&url).await?;
    let accounts_path = dir.join(ACCOUNTS_FILE);
    if created {
        let mut text = String::from(
            "# Akun demo siks (HANYA untuk demo; jangan dipakai di data sungguhan)\n\
             # Akun kabupaten ke atas dan admin memakai faktor kedua: ketik kuncinya di aplikasi\n\
             # autentikator (Google Authenticator, FreeOTP, ...), atau buat kodenya dengan\n\
             # oathtool --totp -b KUNCI\n\
             # nama_pengguna kata_sandi peran wilayah [kunci_faktor_kedua]\n",
        );
        // The village and district accounts work where the generator put households.
        let system = service.system_actor().await.map_err(store_error)?;
        let home = service
            .list_households(
                &system,
                &siks_service::HouseholdFilter {
                    limit: 1,
                    ..Default::default()
                },
            )
            .await
            .map_err(store_error)?
            .first()
            .map(|h| h.village.clone());
        for (username, role, scope) in demo_accounts(&region, home.as_ref()) {
            let password = add_user(
                &service,
                username,
                &format!("Demo {}", role.label()),
                role,
                scope.clone(),
            )
            .await?;
            let key = if siks_domain::totp::required(role, &scope) {
                format!(" {}", enrol_demo_account(&service, username).await?)
            } else {
                String::new()
            };
            text.push_str(&format!(
                "{username} {password} {} {scope}{key}\n",
                role.key()
            ));
        }
        write_private(&accounts_path, &text)
            .with_context(|| format!("tidak dapat menulis {}", accounts_path.display()))?;
        seed_demo_pipeline(&service).await?;
        // A ranking run, so that each household page shows its desil and why.
        let ranked = service
            .rank(
                &system,
                &siks_domain::welfare::Model::default_model(),
                service.today(),
            )
            .await
            .map_err(store_error)?;
        println!(
            "{} rumah tangga diperingkat (model {})",
            ranked.households, ranked.model
        );
        // This month's lists, so that the programme pages and reports are never empty.
        let period = siks_domain::workflow::Period::of(service.today());
        let built = service
            .build_lists(&system, period, service.today())
            .await
            .map_err(store_error)?;
        println!("{}", siks_service::jobs::lists_message(period, &built));
    }
    let accounts = std::fs::read_to_string(&accounts_path)
        .with_context(|| format!("tidak dapat membaca {}", accounts_path.display()))?;
    println!("akun demo (juga di {}):", accounts_path.display());
    println!(
        "  {:<12} {:<16} {:<22} wilayah",
        "pengguna", "kata sandi", "peran"
    );
    for line in accounts.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts[..] {
            [user, password, role, scope] => {
                println!("  {user:<12} {password:<16} {role:<22} {scope}")
            }
            [user, password, role, scope, key] => {
                println!("  {user:<12} {password:<16} {role:<22} {scope:<10} faktor kedua: {key}")
            }
            _ => {}
        }
    }
    match listen {
        Some(listen) => {
            let anchors = anchor_dir(&url);
            let views = view_journal_dir(&url);
            serve(
                service,
                listen,
                Transport::default(),
                anchors,
                Vec::new(),
                views,
            )
            .await
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::Transport;

    /// Cookies are Secure unless plain HTTP on loopback or told so; HSTS only behind HTTPS.
    #[test]
    fn cookies_are_secure_unless_plain_http_on_loopback() {
        let loopback = "127.0.0.1:8080".parse().unwrap();
        let network = "0.0.0.0:8080".parse().unwrap();
        let lan = "192.168.1.5:8080".parse().unwrap();
        let plain = Transport::default();
        assert_eq!(plain.cookies_and_hsts(loopback), (false, false));
        assert_eq!(plain.cookies_and_hsts(network), (true, false));
        assert_eq!(plain.cookies_and_hsts(lan), (true, false));
        let https = Transport {
            behind_https: true,
            ..Default::default()
        };
        assert_eq!(https.cookies_and_hsts(loopback), (true, true));
        let test_network = Transport {
            plain_http: true,
            ..Default::default()
        };
        assert_eq!(test_network.cookies_and_hsts(lan), (false, false));
    }
}

#[cfg(test)]
mod anchoring {
    use super::write_anchor;

    /// The server's anchoring: a file when the log grew, nothing when it did not, the owner's
    /// only, and it holds against the log.
    #[tokio::test]
    async fn a_server_anchors_only_when_the_log_grew() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("siks.db").display());
        crate::init(&url).await.unwrap();
        let service = crate::open(&url).await.unwrap();
        let anchors = dir.path().join("siks.db.anchors");
        let first = write_anchor(&service, &anchors).await.unwrap().unwrap();
        assert_eq!(write_anchor(&service, &anchors).await.unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!((mode(&first), mode(&anchors)), (0o600, 0o700));
        }
        let system = service.system_actor().await.unwrap();
        let anchor = super::read_anchor(&first).unwrap();
        assert_eq!(
            service.check_audit_anchor(&system, &anchor).await.unwrap(),
            siks_service::audit::AnchorCheck::Holds
        );
        service.verify_audit_chain(&system).await.unwrap();
        // A list is audited: the log grew, so the next turn anchors again.
        let filter = siks_service::HouseholdFilter {
            limit: 1,
            ..Default::default()
        };
        service.list_households(&system, &filter).await.unwrap();
        let second = write_anchor(&service, &anchors).await.unwrap().unwrap();
        assert_ne!(first, second);
        let read: Vec<i64> = super::anchors_in(&anchors)
            .into_iter()
            .map(|(_, a)| a.unwrap().entries)
            .collect();
        assert_eq!(read, vec![anchor.entries, anchor.entries + 1]);
        // An anchor the log no longer holds (as after a removed tail that grew back past it):
        // no new anchor is written over it, and the folder does not verify.
        let key = service.audit_key().unwrap();
        let stale = siks_service::audit::AuditAnchor::signed(
            anchor.entries + 1,
            "0".repeat(64),
            anchor.at.clone(),
            key,
        );
        std::fs::write(anchors.join("copied-back.anchor"), stale.to_text()).unwrap();
        service.list_households(&system, &filter).await.unwrap();
        let refused = write_anchor(&service, &anchors)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("tidak sesuai jangkar"), "{refused}");
        assert_eq!(
            super::anchors_in(&anchors).len(),
            3,
            "no anchor written over it"
        );
        // A file that does not read is passed over by the server (and said).
        std::fs::remove_file(anchors.join("copied-back.anchor")).unwrap();
        std::fs::write(anchors.join("audit-000000000002.anchor"), "rusak").unwrap();
        assert!(write_anchor(&service, &anchors).await.unwrap().is_some());
    }
}
