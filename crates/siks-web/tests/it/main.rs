//! The web application through its router: sign-in, sessions and CSRF, pages checked with CSS
//! selectors, the JSON API, region scope, and the access table run against every route.
//!
//! One binary of modules: `support` (the world, requests, sign-in, logs) and a file per concern.

mod support;

mod access;
mod accounts;
mod api;
mod bad_input;

mod browser;
mod citizens;
mod doors;
mod english;
mod factors;
mod findings;
mod jobs;
mod privacy;
mod programmes;
mod records;
mod sessions;
mod social;
mod subjects;
mod uploads;
mod workflow;
