-- siks schema, version 7 (PostgreSQL): what backs and ratifies proposals. Keep in step with
-- ../sqlite/0007_documents.sql.

-- A village's backing for its proposals: the berita acara of a musdes (date, place, attendees,
-- chair) or an SPTJM (signer). The signed scan may come after the decisions are entered; the
-- regency verifies nothing until it is there.
CREATE TABLE village_documents (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    village_code TEXT COLLATE "C" NOT NULL,
    held_on      TEXT NOT NULL,
    place        TEXT NOT NULL,
    attendees    BIGINT NOT NULL,
    chair        TEXT NOT NULL,
    chair_title  TEXT NOT NULL,
    scan_type    TEXT,
    scan_sha256  TEXT,
    scan         BYTEA,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX village_documents_village ON village_documents (village_code, created_at);

-- A regency's numbered ratification list: the proposals the pengesah ratified together.
CREATE TABLE ratifications (
    id           TEXT PRIMARY KEY,
    regency_code TEXT COLLATE "C" NOT NULL,
    seq          BIGINT NOT NULL,
    number       TEXT NOT NULL UNIQUE,
    proposals    BIGINT NOT NULL,
    ratified_by  TEXT NOT NULL,
    ratified_at  TEXT NOT NULL,
    UNIQUE (regency_code, seq)
);

-- The numbered rows of each paper as it was signed: a proposal resubmitted later appears on a
-- new paper and stays on the old one.
CREATE TABLE document_rows (
    document_id TEXT NOT NULL,
    row_no      BIGINT NOT NULL,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    approved    BOOLEAN NOT NULL,
    note        TEXT NOT NULL,
    PRIMARY KEY (document_id, row_no)
);
CREATE INDEX document_rows_proposal ON document_rows (proposal_id);

-- The proposal's current backing paper (checked by the regency before it verifies).
ALTER TABLE proposals ADD COLUMN document_id TEXT;
-- A move's destination, so that the receiving regency sees it too.
ALTER TABLE proposals ADD COLUMN to_village_code TEXT COLLATE "C";
CREATE INDEX proposals_to_village ON proposals (to_village_code);
