//! A simulated continuous-batching LLM serving engine that speaks the OpenAI API.
#![deny(missing_docs)]
