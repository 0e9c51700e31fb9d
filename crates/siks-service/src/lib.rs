//! The use cases of siks, between the edges (pages, API, command line) and the store: each in one
//! file, each taking the acting user and answering in the store's typed errors. The edges call
//! these and never repeat their rules. Issue 15 moves every use case here step by step; so far it
//! holds the jobs (ADR 0014).
#![forbid(unsafe_code)]

pub mod jobs;
pub mod periods;
