-- siks schema, version 31 (postgres): the photo of the house a citizen may add to an usul. Keep in
-- step with the other engine's 0031.

-- At most one photo per request, kept as the evidence photos are (JPEG or PNG, told by its
-- bytes, at most 2 MiB). Only the village's operator sees it, each view audited.
CREATE TABLE citizen_request_photos (
    request_id   TEXT PRIMARY KEY REFERENCES citizen_requests (id),
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    data         BYTEA NOT NULL
);
