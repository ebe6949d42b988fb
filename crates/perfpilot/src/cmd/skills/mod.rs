//! `perfpilot skills list|show|install`: the agent skills shipped inside the binary.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{Envelope, InputRef};

use crate::output::{OutputArgs, emit};

mod embedded;
mod install;
mod report;

pub use report::{InstallReport, SkillList};

/// Arguments of `perfpilot skills`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// List the shipped skills and when to use each.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Print one skill's SKILL.md.
    Show {
        /// Skill name (see `perfpilot skills list`).
        name: String,
    },
    /// Install the skills into an agent's skills directory.
    Install {
        /// Target directory (default: `.claude/skills`, or `.agents/skills` for Codex, at
        /// the root of the current repository).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The agent whose layout to use.
        #[arg(long, value_enum, default_value_t = Agent::Claude)]
        agent: Agent,
        /// Replace skill files that were edited since they were installed.
        #[arg(long)]
        force: bool,
        /// Install only these skills (default: all).
        #[arg(value_name = "SKILL")]
        only: Vec<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// An agent with a skills directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Agent {
    /// Claude Code: `<repo>/.claude/skills`.
    Claude,
    /// OpenAI Codex: `<repo>/.agents/skills`.
    Codex,
}

impl Agent {
    fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
        }
    }

    fn default_dir(self) -> &'static str {
        match self {
            Agent::Claude => ".claude/skills",
            Agent::Codex => ".agents/skills",
        }
    }
}

/// Run `perfpilot skills …`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::List { output } => {
            let env = Envelope::new("skills list", list()?);
            emit(&env, &output)
        }
        Command::Show { name } => {
            let file = find(&name)?;
            print!("{}", file.text);
            Ok(ExitCode::SUCCESS)
        }
        Command::Install { dir, agent, force, only, output } => {
            let dir = match dir {
                Some(d) => d,
                None => install::repo_root(&std::env::current_dir()?).join(agent.default_dir()),
            };
            let files: Vec<&embedded::SkillFile> = if only.is_empty() {
                embedded::FILES.iter().collect()
            } else {
                only.iter().map(|n| find(n)).collect::<anyhow::Result<_>>()?
            };
            let report = install::install(&dir, agent.name(), &files, force)?;
            let env = Envelope::new("skills install", report)
                .with_inputs(vec![InputRef::other("dir", dir.display().to_string())]);
            emit(&env, &output)
        }
    }
}

fn find(name: &str) -> anyhow::Result<&'static embedded::SkillFile> {
    embedded::FILES.iter().find(|f| f.skill == name).ok_or_else(|| {
        let known: Vec<&str> = embedded::FILES.iter().map(|f| f.skill).collect();
        anyhow::anyhow!("no skill named `{name}`; shipped skills: {}", known.join(", "))
    })
}

fn list() -> anyhow::Result<SkillList> {
    let mut skills = Vec::new();
    for f in embedded::FILES {
        let (fm, body) = embedded::front_matter(f.text)
            .map_err(|e| anyhow::anyhow!("skills/{}/SKILL.md: {e}", f.skill))?;
        skills.push(report::SkillInfo {
            name: fm.name,
            description: fm.description.trim().to_string(),
            commands: embedded::commands(body),
        });
    }
    skills.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(SkillList { skills })
}
