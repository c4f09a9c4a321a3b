//! One test binary that boots the whole application and drives it over HTTP, as a user or a
//! script would. Every test runs on SQLite and, when DANGJIAN_TEST_PG names a server, on
//! PostgreSQL in a database of its own.

mod harness;

mod life;

mod accounts;
mod audit;
mod auth;
mod bad_input;
mod cadres;
mod cli;
mod cloud;
mod committee;
mod contact;
mod crash;
mod documents;
mod dues;
mod enterprise_helpers;
mod enterprises;
mod evaluation;
mod guomi;
mod masses;
mod minutes;
mod orgs;
mod outage;
mod pages;
mod people_ratings;
mod recruit;
mod registry;
mod remind;
mod requests;
mod residents;
mod review;
mod roster;
mod schema;
mod scope;
mod scope_matrix;
mod screen;
mod second_factor;
mod stars;
mod statistics;
mod talents;
mod task_forces;
mod to_do;
mod transfer;
mod volunteers;
mod weak;
