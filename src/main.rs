//! The `quire` command line.

use clap::{Args, Parser, Subcommand};
use quire::config::LinkLevel;
use quire::{BuildError, BuildOptions, BuildReport};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a build allocates on every core at once (pages,
/// words, compressed chunks), and glibc's per-thread arenas kept freed memory mapped (a
/// 10,000-page build peaked at 555 MiB with glibc, see the README's Performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What `quire --version` prints: Quire's version and those of the Pagefind and Tera it
/// embeds (they decide the search bundle and the template language). A test checks them
/// against Cargo.lock.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (Pagefind 1.6.0, Tera 2.4.0)");

/// Quire builds documentation sites from Markdown, with a glossary linked into every page.
#[derive(Parser)]
#[command(name = "quire", version = VERSION, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Publish under this URL instead of quire.toml's base_url (https://user.github.io/repo/).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Neither use nor update the build cache (.quire-cache/); the output is the same.
        #[arg(long)]
        no_cache: bool,
    },
    /// Check the site (links, anchors, front matter, templates, glossary) without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Serve the site with live reload, rebuilding as sources change.
    Serve {
        /// The site folder, holding quire.toml.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// The address to listen on; anything but loopback is reachable from the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port; 0 picks a free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Report broken internal links as errors or only as warnings (overrides [links] internal).
        #[arg(long, value_name = "LEVEL")]
        links: Option<LinkLevel>,
    },
    /// Make a Quire site from an mdBook book or a Zola site, keeping every old URL working.
    Import {
        #[command(subcommand)]
        from: ImportCommand,
    },
    /// Create a site, a page or a glossary term from a skeleton.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// A working site skeleton in DIR (config, home page, a section, a glossary term).
    Site {
        /// The folder to create the site in.
        dir: PathBuf,
    },
    /// The next numbered page of a section, weighted after the last.
    Page {
        /// The page's title.
        title: String,
        /// The section's folder under site/ (default: the top level).
        #[arg(long = "in", value_name = "SECTION")]
        section: Option<String>,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// A glossary term skeleton under site/glossary/.
    Term {
        /// The term.
        name: String,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// An mdBook book: book.toml and SUMMARY.md.
    Mdbook(ImportArgs),
    /// A Zola site: config.toml and content/.
    Zola(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// The book's or site's folder (never modified).
    source: PathBuf,
    /// A new (or empty) folder for the Quire site; `<source name>-quire` by default.
    #[arg(long, value_name = "DIR")]
    into: Option<PathBuf>,
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding quire.toml.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Treat warnings (unused glossary terms, missing summaries…) as errors.
    #[arg(long)]
    strict: bool,
    /// Report broken internal links as errors or only as warnings (overrides [links] internal).
    #[arg(long, value_name = "LEVEL")]
    links: Option<LinkLevel>,
}

impl SiteArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            drafts: self.drafts,
            strict: self.strict,
            links: self.links,
            ..BuildOptions::new(&self.root)
        }
    }
}

fn print_warnings(report: &BuildReport) {
    for w in &report.warnings {
        eprintln!("{w}");
    }
}

fn summary(verb: &str, r: &BuildReport) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{verb} {}, {}, {} in {:.0?}{}",
        plural(r.pages, "page"),
        plural(r.sections, "section"),
        plural(r.terms, "glossary term"),
        r.elapsed,
        if r.warnings.is_empty() {
            String::new()
        } else {
            format!(" ({})", plural(r.warnings.len(), "warning"))
        }
    )
}

fn report_error(e: &anyhow::Error) {
    match e.downcast_ref::<BuildError>() {
        Some(b) => eprintln!("{b}"),
        None => eprintln!("error: {e:#}"),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Build {
            site,
            output,
            base_url,
            no_cache,
        } => {
            let options = BuildOptions {
                output: output.clone(),
                base_url: base_url.clone(),
                cache: !no_cache,
                ..site.options()
            };
            quire::build(&options).map(|r| {
                print_warnings(&r);
                if let Some(aside) = &r.written.kept_aside {
                    eprintln!(
                        "{}: warning: files appeared in the output folder during the build; they were kept here\n  hint: move what you need back and delete the folder",
                        aside.display()
                    );
                }
                println!(
                    "{} → {} ({} written, {} unchanged, {} removed)",
                    summary("built", &r),
                    options.output_dir().display(),
                    r.written.written,
                    r.written.unchanged,
                    r.written.removed
                );
            })
        }
        Command::Check { site } => quire::check(&site.options()).map(|r| {
            print_warnings(&r);
            println!("{}", summary("checked", &r));
        }),
        Command::Serve {
            root,
            bind,
            port,
            open,
            drafts,
            links,
        } => quire::serve::serve(&quire::serve::ServeOptions {
            root: root.clone(),
            bind: *bind,
            port: *port,
            open: *open,
            drafts: *drafts,
            links: *links,
        }),
        Command::Import { from } => {
            let (args, format, plan) = match from {
                ImportCommand::Mdbook(args) => (args, "mdBook", quire::import::mdbook::plan(&args.source)),
                ImportCommand::Zola(args) => (args, "Zola", quire::import::zola::plan(&args.source)),
            };
            let into = args
                .into
                .clone()
                .unwrap_or_else(|| quire::import::default_into(&args.source));
            plan.and_then(|plan| quire::import::write(plan, format, &args.source, &into))
                .and_then(|report| {
                    if report.builds() {
                        eprintln!("{report}");
                        Ok(())
                    } else {
                        anyhow::bail!("{report}")
                    }
                })
        }
        Command::New { what } => match what {
            NewCommand::Site { dir } => quire::scaffold::new_site(dir).map(|files| {
                for f in files {
                    println!("{}", f.display());
                }
            }),
            NewCommand::Page { title, section, root } => quire::scaffold::new_page(root, title, section.as_deref())
                .map(|p| {
                    println!("{}", p.path.display());
                    if let Some(note) = p.note {
                        eprintln!("note: {note}");
                    }
                }),
            NewCommand::Term { name, root } => {
                quire::scaffold::new_term(root, name).map(|p| println!("{}", p.display()))
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&e);
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VERSION;

    /// The version Cargo.lock resolved for `name`.
    fn locked(name: &str) -> String {
        let lock = include_str!("../Cargo.lock");
        let entry = format!("[[package]]\nname = \"{name}\"\nversion = \"");
        let start = lock.find(&entry).map(|i| i + entry.len()).expect("the crate is locked");
        lock[start..].split('"').next().unwrap_or_default().to_string()
    }

    #[test]
    fn version_names_the_embedded_pagefind_and_tera() {
        assert_eq!(locked("pagefind"), quire::publish::search::PAGEFIND_VERSION);
        let expected = format!(
            "{} (Pagefind {}, Tera {})",
            env!("CARGO_PKG_VERSION"),
            locked("pagefind"),
            locked("tera")
        );
        assert_eq!(
            VERSION, expected,
            "update VERSION in src/main.rs after a dependency update"
        );
    }
}
