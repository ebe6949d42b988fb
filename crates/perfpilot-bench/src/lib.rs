//! A fair, bounded, reproducible benchmark client for OpenAI-compatible LLM servers.
#![deny(missing_docs)]
