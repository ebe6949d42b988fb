//! Incident triage for LLM servers: problem class, strongest signal and next step from logs and live endpoints.
#![deny(missing_docs)]
