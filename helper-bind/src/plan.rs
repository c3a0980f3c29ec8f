//! Decides, for every call site, what binding does with it, and collects every problem at
//! once instead of stopping at the first.
//!
//! The platform side is the [`HelperTable`] trait (implemented for
//! [`Platform`]), so the rules here are tested against small
//! hand-made tables too.

use std::collections::HashMap;
use std::sync::Arc;

use crate::callgraph::{CallGraph, SUBPROGRAM_SECTION};
use crate::classify::{classify, CallSite, CallTarget, RelocRef, RelocatedCall};
use crate::elf::{ElfView, SHT_GROUP};
use crate::error::{BindError, BindProblem};
use crate::insn::{ArgScan, Flow, INSN_SIZE};
use crate::platform::{Platform, Resolution};

/// What binding needs from a platform's helper table.
pub trait HelperTable {
    /// What calling `name` from section `section` binds to.
    fn resolve(&self, name: &str, section: &str) -> Resolution<'_>;
    /// Every name `resolve` knows (for "did you mean").
    fn names(&self) -> Vec<&str>;
    /// The helper a numeric call `id` in `section` calls.
    fn name_of_id(&self, id: u32, section: &str) -> Option<&str>;
}

impl HelperTable for Platform {
    fn resolve(&self, name: &str, section: &str) -> Resolution<'_> {
        Platform::resolve(self, name, section)
    }
    fn names(&self) -> Vec<&str> {
        self.helper_name_list()
    }
    fn name_of_id(&self, id: u32, section: &str) -> Option<&str> {
        Platform::name_of_id(self, id, section)
    }
}

/// Options of a bind.
#[derive(Debug, Clone, Copy, Default)]
pub struct BindOptions {
    /// Leave undefined call targets that are no helper (and no kfunc) for a later link instead
    /// of failing. Helpers outside their program type and unknowable printk arities still fail.
    pub allow_unresolved: bool,
}

/// What happens to one call site on one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A name-bound helper call: becomes `call id`.
    Bind {
        /// Helper ID.
        id: u32,
        /// The helper's table name (differs from the symbol for aliases and printk arities);
        /// shared by every call it binds.
        canonical: Arc<str>,
    },
    /// Already numeric; `name` is the helper it calls there, if the platform knows the ID.
    Numeric {
        /// Helper ID.
        id: u32,
        /// Helper name on this platform.
        name: Option<String>,
    },
    /// A bpf-to-bpf call: left alone.
    Local,
    /// A kfunc: left alone (libbpf resolves it at load time).
    Kfunc,
    /// Something else left alone (e.g. a call by BTF id).
    Other,
    /// Cannot be bound.
    Problem(BindProblem),
}

/// One call that binding rewrites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Code section index.
    pub section: usize,
    /// Instruction index.
    pub insn: usize,
    /// The relocation to remove.
    pub reloc: RelocRef,
    /// The relocation's symbol (its name is the name the program calls).
    pub symbol: usize,
    /// Helper ID.
    pub id: u32,
    /// The helper's table name, shared by every call of that helper.
    pub canonical: Arc<str>,
}

/// Everything a bind changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Calls to rewrite, in section and instruction order.
    pub bindings: Vec<Binding>,
    /// Undefined symbols no relocation refers to after binding (to remove), ascending.
    pub drop_symbols: Vec<usize>,
    /// Unresolved externs left for a later link (`allow_unresolved`).
    pub left_unresolved: Vec<BindProblem>,
}

/// Per-section control-flow facts, computed on first use.
#[derive(Default)]
struct FlowCache {
    flows: HashMap<usize, Flow>,
}

impl FlowCache {
    fn get(&mut self, view: &ElfView, section: usize) -> &Flow {
        self.flows.entry(section).or_insert_with(|| {
            // Function symbols of the section start blocks: nothing flows in from above.
            let entries = view
                .symbols
                .iter()
                .filter(|s| s.shndx as usize == section && s.kind() == 2)
                .map(|s| (s.value / INSN_SIZE as u64) as usize);
            Flow::new(view.endian, view.section_data(section), entries)
        })
    }
}

/// Resolves call sites of one object on one platform, computing control flow and the call
/// graph once, on first need.
pub struct Resolver<'a, 'v> {
    view: &'a ElfView<'v>,
    sites: &'a [CallSite],
    flows: FlowCache,
    graph: Option<CallGraph>,
    /// "Did you mean" per unknown name: computed once per name, not per call.
    suggestions: HashMap<String, Option<String>>,
    /// Outcome per section and called name for resolutions that do not depend on the call
    /// site (everything but printk arity and subprogram callers). Keyed by name, not symbol
    /// index: callers such as `check` build sites for names without symbols.
    cache: HashMap<usize, HashMap<Arc<str>, Outcome>>,
    /// The last few outcomes by section and shared name (`Arc` identity: every call of one
    /// symbol shares its name), checked before hashing the name into `cache`: an object
    /// calls a handful of helpers 10^5 times.
    recent: Vec<(usize, Arc<str>, Outcome)>,
}

impl<'a, 'v> Resolver<'a, 'v> {
    /// A resolver for the object `view` whose call sites are `sites`.
    pub fn new(view: &'a ElfView<'v>, sites: &'a [CallSite]) -> Self {
        Resolver {
            view,
            sites,
            flows: FlowCache::default(),
            graph: None,
            suggestions: HashMap::new(),
            cache: HashMap::new(),
            recent: Vec::new(),
        }
    }

    fn suggestion(&mut self, name: &str, table: &dyn HelperTable) -> Option<String> {
        self.suggestions
            .entry(name.to_string())
            .or_insert_with(|| suggest(name, &table.names()))
            .clone()
    }

    /// What happens to `site` on the platform of `table`.
    pub fn resolve(&mut self, site: &CallSite, table: &dyn HelperTable) -> Outcome {
        self.resolve_noting(site, table).0
    }

    /// [`Resolver::resolve`], and whether the outcome holds for every call of the same name in
    /// the same section (it does unless it came from the call's arguments or callers).
    fn resolve_noting(&mut self, site: &CallSite, table: &dyn HelperTable) -> (Outcome, bool) {
        let view = self.view;
        let CallTarget::Extern { name, .. } = &site.target else {
            let section = view.section_name(site.section);
            let outcome = match &site.target {
                CallTarget::Numeric { id } => Outcome::Numeric {
                    id: *id,
                    name: table.name_of_id(*id, &section).map(str::to_string),
                },
                CallTarget::Local { .. } => Outcome::Local,
                CallTarget::Kfunc { .. } => Outcome::Kfunc,
                _ => Outcome::Other,
            };
            return (outcome, false);
        };
        if let Some((_, _, known)) = self
            .recent
            .iter()
            .find(|(section, n, _)| *section == site.section && Arc::ptr_eq(n, name))
        {
            return (relocate(known, site.insn), true);
        }
        if let Some(known) = self.cache.get(&site.section).and_then(|c| c.get(&**name)) {
            let known = known.clone();
            self.remember(site.section, name, &known);
            return (relocate(&known, site.insn), true);
        }
        let section = view.section_name(site.section);
        let outcome = match table.resolve(name, &section) {
            Resolution::Helper { id, canonical } => Outcome::Bind {
                id,
                canonical: canonical.into(),
            },
            Resolution::WrongProgramType { .. } if section == SUBPROGRAM_SECTION => {
                return (self.through_callers(site, name, table), false);
            }
            Resolution::WrongProgramType { needs } => {
                Outcome::Problem(BindProblem::WrongProgramType {
                    name: name.to_string(),
                    section: section.into_owned(),
                    insn: site.insn,
                    needs,
                })
            }
            Resolution::ByArity(choices) => {
                let flow = self.flows.get(view, site.section);
                let scan =
                    flow.args_before(view.endian, view.section_data(site.section), site.insn);
                return (
                    by_arity(scan, choices, name, &section, site.insn, table),
                    false,
                );
            }
            Resolution::Unknown => match variadic_printk(name, &section, table) {
                Some(bind) => bind,
                None => Outcome::Problem(BindProblem::Unresolved {
                    name: name.to_string(),
                    section: section.into_owned(),
                    insn: site.insn,
                    suggestion: self.suggestion(name, table),
                }),
            },
        };
        self.cache
            .entry(site.section)
            .or_default()
            .insert(name.clone(), outcome.clone());
        self.remember(site.section, name, &outcome);
        (outcome, true)
    }

    fn remember(&mut self, section: usize, name: &Arc<str>, outcome: &Outcome) {
        const RECENT: usize = 16;
        if self.recent.len() == RECENT {
            self.recent.remove(0);
        }
        self.recent.push((section, name.clone(), outcome.clone()));
    }

    /// A program-type helper called from a subprogram: binds when every program section that
    /// reaches the subprogram gives the helper the same ID.
    fn through_callers(&mut self, site: &CallSite, name: &str, table: &dyn HelperTable) -> Outcome {
        let view = self.view;
        let sites = self.sites;
        // The graph needs every bpf-to-bpf call, including pc-relative ones without a
        // relocation, which bind's relocation-driven site list leaves out: scan the code.
        let graph = self.graph.get_or_insert_with(|| match classify(view) {
            Ok(all) => CallGraph::new(view, &all),
            Err(_) => CallGraph::new(view, sites),
        });
        let function = graph.function_at(site.section, site.insn);
        let programs = function
            .map(|f| graph.reaching_programs(view, f))
            .unwrap_or_default();
        let function_name =
            function.map_or_else(|| "?".to_string(), |f| graph.function(f).name.clone());
        let mut ids = Vec::new();
        let mut verdicts = Vec::new();
        for p in &programs {
            let psec = view.section_name(*p);
            match table.resolve(name, &psec) {
                Resolution::Helper { id, canonical } => {
                    ids.push((id, canonical.to_string()));
                    verdicts.push(format!("`{psec}` binds it to {id}"));
                }
                Resolution::WrongProgramType { needs } => {
                    verdicts.push(format!(
                        "`{psec}` is not of program type {}",
                        needs.join(" or ")
                    ));
                }
                _ => verdicts.push(format!("`{psec}` cannot bind it")),
            }
        }
        let agreed = ids.len() == programs.len() && ids.windows(2).all(|w| w[0].0 == w[1].0);
        match ids.first() {
            Some((id, canonical)) if agreed => Outcome::Bind {
                id: *id,
                canonical: canonical.as_str().into(),
            },
            _ => Outcome::Problem(BindProblem::Subprogram {
                name: name.to_string(),
                section: view.section_name(site.section).into_owned(),
                insn: site.insn,
                function: function_name,
                callers: verdicts,
            }),
        }
    }
}

/// A cached outcome for another call of the same symbol in the same section.
fn relocate(outcome: &Outcome, call_insn: usize) -> Outcome {
    let mut o = outcome.clone();
    if let Outcome::Problem(
        BindProblem::Unresolved { insn, .. }
        | BindProblem::WrongProgramType { insn, .. }
        | BindProblem::UnknownArity { insn, .. }
        | BindProblem::Subprogram { insn, .. },
    ) = &mut o
    {
        *insn = call_insn;
    }
    o
}

/// `bpf_trace_printk2`..`5` (Windows' fixed-arity printk, as unbinding a Windows object names
/// them) on a platform that has only the variadic `bpf_trace_printk`: the same call, since the
/// arguments sit in the same registers.
fn variadic_printk(name: &str, section: &str, table: &dyn HelperTable) -> Option<Outcome> {
    let arity = name.strip_prefix("bpf_trace_printk")?;
    if !matches!(arity, "2" | "3" | "4" | "5") {
        return None;
    }
    match table.resolve("bpf_trace_printk", section) {
        Resolution::Helper { id, canonical } => Some(Outcome::Bind {
            id,
            canonical: canonical.into(),
        }),
        _ => None,
    }
}

/// printk on a platform with fixed-arity helpers: the count of r1..rN set before the call.
fn by_arity(
    scan: ArgScan,
    choices: &[(u8, u32)],
    name: &str,
    section: &str,
    insn: usize,
    table: &dyn HelperTable,
) -> Outcome {
    let problem = |reason: String| {
        Outcome::Problem(BindProblem::UnknownArity {
            name: name.to_string(),
            section: section.to_string(),
            insn,
            reason,
        })
    };
    let set: Vec<String> = (1..=5)
        .filter(|r| scan.set[r - 1])
        .map(|r| format!("r{r}"))
        .collect();
    match scan.contiguous_count() {
        None => problem(format!(
            "the registers set before it in its basic block are {}, not r1..rN",
            set.join(", ")
        )),
        Some(n) if n < 2 => problem(format!(
            "fmt and fmt_size (r1, r2) are not both set in its basic block (set: {})",
            if set.is_empty() {
                "none".to_string()
            } else {
                set.join(", ")
            }
        )),
        Some(n) => match choices.iter().find(|(arity, _)| *arity == n) {
            Some(&(_, id)) => Outcome::Bind {
                id,
                canonical: table
                    .name_of_id(id, section)
                    .map_or_else(|| format!("{name}{n}").into(), Arc::from),
            },
            None => problem(format!(
                "{n} arguments, but this platform has printk helpers only for {}",
                choices
                    .iter()
                    .map(|(a, _)| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    }
}

/// The known name closest to `name`, if it is close enough to be a likely typo.
///
/// Edit distance with adjacent transpositions counting once (optimal string alignment: the
/// typo distance, computed without the hash map that unrestricted Damerau-Levenshtein needs,
/// which made an object full of unknown names cost milliseconds per name); accepted when the
/// distance is at most a third of the name's length (at least 1): catches `bpf_map_lookup_elm`
/// and `bpf_ktime_get_sn` without suggesting something unrelated for `my_function`.
///
/// The distance is at least the difference in length, so only names of nearly the same length
/// are compared at all: an object full of long unknown names (or a hostile one) costs a length
/// comparison per known name, not a quadratic distance computation.
pub fn suggest(name: &str, names: &[&str]) -> Option<String> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let chars = |n: &str| {
        if n.is_ascii() {
            n.len()
        } else {
            n.chars().count()
        }
    };
    names
        .iter()
        .filter(|n| chars(n).abs_diff(len) <= limit)
        .filter(|n| letters_lower_bound(name, n) <= limit)
        .map(|n| (strsim::osa_distance(name, n), *n))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, n)| n.to_string())
}

/// A lower bound of the edit distance from the letters alone: an insertion or deletion changes
/// one letter count by one, a substitution two counts, a transposition none, so the distance is
/// at least half the summed count differences. Linear in the names, where the distance itself
/// is quadratic. 0 (no bound) for names that are not ASCII.
fn letters_lower_bound(a: &str, b: &str) -> usize {
    if !a.is_ascii() || !b.is_ascii() {
        return 0;
    }
    let mut counts = [0i32; 128];
    for &c in a.as_bytes() {
        counts[usize::from(c)] += 1;
    }
    for &c in b.as_bytes() {
        counts[usize::from(c)] -= 1;
    }
    // Sum |count| over the letters that occur (each once: its count is cleared when taken).
    let mut differences = 0;
    for &c in a.as_bytes().iter().chain(b.as_bytes()) {
        differences += counts[usize::from(c)].unsigned_abs() as usize;
        counts[usize::from(c)] = 0;
    }
    differences.div_ceil(2)
}

/// Plans binding every call of `sites` with `table`: the calls to rewrite and the symbols that
/// become unused, or every problem.
pub fn plan(
    view: &ElfView,
    sites: &[CallSite],
    table: &dyn HelperTable,
    options: BindOptions,
) -> Result<Plan, BindError> {
    let mut planner = Planner::new(view, sites, options);
    planner.out.bindings.reserve(sites.len());
    for site in sites {
        planner.add(site, table);
    }
    planner.finish()
}

/// A plan built one call site at a time: [`plan`] gives it a list, binding streams the
/// relocated calls into it without collecting them.
pub(crate) struct Planner<'a, 'v> {
    view: &'a ElfView<'v>,
    resolver: Resolver<'a, 'v>,
    options: BindOptions,
    out: Plan,
    problems: Vec<BindProblem>,
    /// By symbol index: the section it was last bound from, its ID and helper name, when
    /// that binding holds for every call of the symbol from the section (see
    /// [`Planner::add_relocated`]).
    known: Vec<Option<(usize, u32, Arc<str>)>>,
}

impl<'a, 'v> Planner<'a, 'v> {
    /// A planner for `view`; `sites` are the call sites known up front (for the call graph of
    /// subprograms; may be empty, the graph then comes from a scan of the code).
    pub(crate) fn new(view: &'a ElfView<'v>, sites: &'a [CallSite], options: BindOptions) -> Self {
        Planner {
            view,
            resolver: Resolver::new(view, sites),
            options,
            out: Plan::default(),
            problems: Vec::new(),
            known: Vec::new(),
        }
    }

    /// Makes room for `bindings` more bindings.
    pub(crate) fn reserve(&mut self, bindings: usize) {
        self.out.bindings.reserve(bindings);
    }

    /// Adds `site`: a binding, an unresolved extern left alone, a problem, or nothing.
    pub(crate) fn add(&mut self, site: &CallSite, table: &dyn HelperTable) {
        if site.reloc.is_some() && matches!(site.target, CallTarget::Extern { .. }) {
            let outcome = self.resolver.resolve(site, table);
            self.take(site, outcome);
        }
    }

    /// Adds the relocated call `call`, whose [`CallSite`] `site` makes only when the call is
    /// not the same as an earlier one: an object calls a handful of helpers from a handful of
    /// sections, 10^5 times, and a call to an already bound symbol from the same section binds
    /// the same way (unless its arguments or callers decided, which is never remembered).
    pub(crate) fn add_relocated(
        &mut self,
        call: RelocatedCall,
        site: &mut dyn FnMut() -> CallSite,
        table: &dyn HelperTable,
    ) {
        if let Some(Some((section, id, canonical))) = self.known.get(call.symbol) {
            if *section == call.section {
                self.out.bindings.push(Binding {
                    section: call.section,
                    insn: call.insn,
                    reloc: call.reloc,
                    symbol: call.symbol,
                    id: *id,
                    canonical: canonical.clone(),
                });
                return;
            }
        }
        let site = site();
        if !matches!(site.target, CallTarget::Extern { .. }) {
            return;
        }
        let (outcome, for_every_call) = self.resolver.resolve_noting(&site, table);
        if let (Outcome::Bind { id, canonical }, true) = (&outcome, for_every_call) {
            if self.known.len() <= call.symbol {
                self.known
                    .resize(self.view.symbols.len().max(call.symbol + 1), None);
            }
            self.known[call.symbol] = Some((call.section, *id, canonical.clone()));
        }
        self.take(&site, outcome);
    }

    /// Records what `outcome` means for the extern call `site`.
    fn take(&mut self, site: &CallSite, outcome: Outcome) {
        // Extern targets always come with their relocation.
        let (CallTarget::Extern { symbol, .. }, Some(reloc)) = (&site.target, site.reloc) else {
            return;
        };
        match outcome {
            // `canonical` is shared with every other call the resolver's cache answers.
            Outcome::Bind { id, canonical } => self.out.bindings.push(Binding {
                section: site.section,
                insn: site.insn,
                reloc,
                symbol: *symbol,
                id,
                canonical,
            }),
            Outcome::Problem(p @ BindProblem::Unresolved { .. })
                if self.options.allow_unresolved =>
            {
                self.out.left_unresolved.push(p)
            }
            Outcome::Problem(p) => self.problems.push(p),
            _ => {}
        }
    }

    /// The plan, or every problem found.
    pub(crate) fn finish(mut self) -> Result<Plan, BindError> {
        if !self.problems.is_empty() {
            return Err(BindError {
                problems: self.problems,
            });
        }
        self.out.drop_symbols = unused_after(self.view, &self.out.bindings);
        Ok(self.out)
    }
}

/// Symbols of `bindings` that no relocation (nor section group) refers to once the bound
/// relocations are gone.
fn unused_after(view: &ElfView, bindings: &[Binding]) -> Vec<usize> {
    // Only the bound symbols are counted: most relocations (debug info, BTF.ext) name the same
    // few section symbols, and counting those would make every entry wait on the last one's
    // increment.
    let mut wanted = vec![false; view.symbols.len()];
    for b in bindings {
        wanted[b.symbol] = true;
    }
    let mut refs = vec![0usize; view.symbols.len()];
    let first_wanted = bindings
        .iter()
        .map(|b| b.symbol)
        .min()
        .unwrap_or(usize::MAX);
    for rel in view
        .relocations
        .iter()
        .filter(|r| r.max_symbol as usize >= first_wanted)
    {
        for symbol in rel.symbols() {
            // Symbol 0 may appear without a symbol table; nothing to count then.
            if wanted.get(symbol as usize).copied().unwrap_or(false) {
                refs[symbol as usize] += 1;
            }
        }
    }
    for s in view.sections.iter().filter(|s| s.sh_type == SHT_GROUP) {
        if let Some(n) = refs.get_mut(s.info as usize) {
            *n += 1;
        }
    }
    for b in bindings {
        refs[b.symbol] -= 1;
    }
    // Ascending and without repeats by construction: no sort of one entry per call.
    let first = first_wanted.min(wanted.len());
    (first.max(1)..wanted.len())
        .filter(|&s| wanted[s] && refs[s] == 0)
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::elf::{Endian, R_BPF_64_32};
    use crate::insn::{Insn, OP_CALL};
    use crate::synth::ObjectBuilder;

    /// A small table: Linux-like general helpers, one Windows-like xdp-only helper, printk by
    /// arity when `arity` is set, and one alias.
    pub(crate) struct MockTable {
        pub arity: bool,
    }

    const PRINTK: [(u8, u32); 4] = [(2, 12), (3, 13), (4, 14), (5, 15)];

    impl HelperTable for MockTable {
        fn resolve(&self, name: &str, section: &str) -> Resolution<'_> {
            match name {
                "bpf_map_lookup_elem" => Resolution::Helper {
                    id: 1,
                    canonical: "bpf_map_lookup_elem",
                },
                "bpf_ktime_get_ns" => Resolution::Helper {
                    id: 5,
                    canonical: "bpf_ktime_get_ns",
                },
                "bpf_memcpy" => Resolution::Helper {
                    id: 22,
                    canonical: "bpf_memcpy_s",
                },
                "bpf_xdp_adjust_head" if section.starts_with("xdp") => Resolution::Helper {
                    id: 65536,
                    canonical: "bpf_xdp_adjust_head",
                },
                "bpf_xdp_adjust_head" => Resolution::WrongProgramType {
                    needs: vec!["xdp".into()],
                },
                "bpf_trace_printk" if self.arity => Resolution::ByArity(&PRINTK),
                "bpf_trace_printk" => Resolution::Helper {
                    id: 6,
                    canonical: "bpf_trace_printk",
                },
                _ => Resolution::Unknown,
            }
        }
        fn names(&self) -> Vec<&str> {
            vec![
                "bpf_map_lookup_elem",
                "bpf_ktime_get_ns",
                "bpf_trace_printk",
                "bpf_xdp_adjust_head",
            ]
        }
        fn name_of_id(&self, id: u32, _section: &str) -> Option<&str> {
            match id {
                1 => Some("bpf_map_lookup_elem"),
                13 => Some("bpf_trace_printk3"),
                _ => None,
            }
        }
    }

    fn call(e: Endian) -> [u8; 8] {
        Insn {
            code: OP_CALL,
            dst: 0,
            src: 1,
            off: 0,
            imm: -1,
        }
        .encode(e)
    }
    fn mov(e: Endian, dst: u8) -> [u8; 8] {
        Insn {
            code: 0xb7,
            dst,
            src: 0,
            off: 0,
            imm: 1,
        }
        .encode(e)
    }

    /// One section `section` calling each of `names` (with r1..r3 set before each call).
    fn object(section: &str, names: &[&str]) -> Vec<u8> {
        let e = Endian::Little;
        let mut b = ObjectBuilder::new(e);
        let mut code = Vec::new();
        for _ in names {
            code.extend([mov(e, 1), mov(e, 2), mov(e, 3), call(e)]);
        }
        code.push([0x95, 0, 0, 0, 0, 0, 0, 0]);
        let text = b.code_section(section, &code);
        for (k, n) in names.iter().enumerate() {
            let s = b.undefined(n);
            b.reloc(text, (k * 4 + 3) as u64 * 8, s, R_BPF_64_32);
        }
        b.build()
    }

    fn run(section: &str, names: &[&str], arity: bool, allow: bool) -> Result<Plan, BindError> {
        let obj = object(section, names);
        let view = ElfView::parse(&obj).unwrap();
        let sites = classify(&view).unwrap();
        plan(
            &view,
            &sites,
            &MockTable { arity },
            BindOptions {
                allow_unresolved: allow,
            },
        )
    }

    #[test]
    fn binds_known_helpers_and_aliases_and_drops_their_symbols() {
        let p = run(
            "xdp",
            &["bpf_map_lookup_elem", "bpf_memcpy", "bpf_xdp_adjust_head"],
            false,
            false,
        )
        .unwrap();
        let ids: Vec<_> = p
            .bindings
            .iter()
            .map(|b| (b.insn, b.id, &*b.canonical))
            .collect();
        assert_eq!(
            ids,
            vec![
                (3, 1, "bpf_map_lookup_elem"),
                (7, 22, "bpf_memcpy_s"),
                (11, 65536, "bpf_xdp_adjust_head")
            ]
        );
        assert_eq!(p.drop_symbols, vec![1, 2, 3]);
    }

    #[test]
    fn lists_every_unknown_name_with_a_suggestion() {
        let e = run(
            "tc",
            &["bpf_map_lookup_elm", "my_function", "bpf_ktime_get_sn"],
            false,
            false,
        )
        .unwrap_err();
        assert_eq!(
            e.problems,
            vec![
                BindProblem::Unresolved {
                    name: "bpf_map_lookup_elm".into(),
                    section: "tc".into(),
                    insn: 3,
                    suggestion: Some("bpf_map_lookup_elem".into())
                },
                BindProblem::Unresolved {
                    name: "my_function".into(),
                    section: "tc".into(),
                    insn: 7,
                    suggestion: None
                },
                BindProblem::Unresolved {
                    name: "bpf_ktime_get_sn".into(),
                    section: "tc".into(),
                    insn: 11,
                    suggestion: Some("bpf_ktime_get_ns".into())
                },
            ]
        );
        let text = e.to_string();
        assert!(
            text.contains("did you mean `bpf_map_lookup_elem`?"),
            "{text}"
        );
        assert!(text.contains("--allow-unresolved"), "{text}");
    }

    #[test]
    fn allow_unresolved_binds_the_rest_and_keeps_unknown_symbols() {
        let p = run("tc", &["my_function", "bpf_ktime_get_ns"], false, true).unwrap();
        assert_eq!(p.bindings.len(), 1);
        assert_eq!(p.left_unresolved.len(), 1);
        assert_eq!(p.drop_symbols, vec![2]);
    }

    #[test]
    fn program_type_helper_outside_its_type_names_section_and_type() {
        let e = run("tc", &["bpf_xdp_adjust_head"], false, true).unwrap_err();
        assert_eq!(
            e.problems,
            vec![BindProblem::WrongProgramType {
                name: "bpf_xdp_adjust_head".into(),
                section: "tc".into(),
                insn: 3,
                needs: vec!["xdp".into()]
            }]
        );
        assert!(e.to_string().contains("program type xdp"));
    }

    #[test]
    fn printk_by_arity_reads_the_registers() {
        let p = run("tc", &["bpf_trace_printk"], true, false).unwrap();
        assert_eq!(p.bindings[0].id, 13);
        assert_eq!(&*p.bindings[0].canonical, "bpf_trace_printk3");
        let p = run("tc", &["bpf_trace_printk"], false, false).unwrap();
        assert_eq!(p.bindings[0].id, 6);
    }

    #[test]
    fn fixed_arity_printk_binds_to_the_variadic_one_where_only_that_exists() {
        let p = run(
            "tc",
            &["bpf_trace_printk3", "bpf_trace_printk5"],
            false,
            false,
        )
        .unwrap();
        let ids: Vec<_> = p.bindings.iter().map(|b| (b.id, &*b.canonical)).collect();
        assert_eq!(ids, vec![(6, "bpf_trace_printk"), (6, "bpf_trace_printk")]);
        let e = run("tc", &["bpf_trace_printk6"], false, false).unwrap_err();
        assert!(matches!(e.problems[0], BindProblem::Unresolved { .. }));
    }

    #[test]
    fn printk_with_unknowable_arity_is_refused() {
        let e = Endian::Little;
        for (code, why) in [
            (vec![mov(e, 1), mov(e, 2), mov(e, 4), call(e)], "r1, r2, r4"),
            (vec![mov(e, 1), call(e)], "not both set"),
        ] {
            let mut b = ObjectBuilder::new(e);
            let at = (code.len() - 1) as u64 * 8;
            let text = b.code_section("tc", &code);
            let s = b.undefined("bpf_trace_printk");
            b.reloc(text, at, s, R_BPF_64_32);
            let obj = b.build();
            let view = ElfView::parse(&obj).unwrap();
            let err = plan(
                &view,
                &classify(&view).unwrap(),
                &MockTable { arity: true },
                BindOptions::default(),
            )
            .unwrap_err();
            assert!(matches!(err.problems[0], BindProblem::UnknownArity { .. }));
            assert!(err.to_string().contains(why), "{err}");
        }
    }

    #[test]
    fn resolution_cache_is_keyed_by_name_not_symbol() {
        // Regression: `check` builds extern sites for numeric calls with no symbol of their
        // own; a cache keyed by symbol index gave the second name the first one's ID.
        let obj = object("tc", &["bpf_ktime_get_ns"]);
        let view = ElfView::parse(&obj).unwrap();
        let mut sites = classify(&view).unwrap();
        let mut second = sites[0].clone();
        second.target = CallTarget::Extern {
            symbol: 1,
            name: "bpf_map_lookup_elem".into(),
        };
        sites.push(second);
        let mut r = Resolver::new(&view, &sites);
        let table = MockTable { arity: false };
        let ids: Vec<Outcome> = sites.iter().map(|s| r.resolve(s, &table)).collect();
        assert_eq!(
            ids,
            vec![
                Outcome::Bind {
                    id: 5,
                    canonical: "bpf_ktime_get_ns".into()
                },
                Outcome::Bind {
                    id: 1,
                    canonical: "bpf_map_lookup_elem".into()
                },
            ]
        );
    }

    #[test]
    fn symbol_still_referenced_elsewhere_is_kept() {
        let e = Endian::Little;
        let mut b = ObjectBuilder::new(e);
        let text = b.code_section("tc", &[call(e), [0x95, 0, 0, 0, 0, 0, 0, 0]]);
        let dbg = b.section(".debug_info", 1, 0, vec![0; 8]);
        let s = b.undefined("bpf_ktime_get_ns");
        b.reloc(text, 0, s, R_BPF_64_32);
        b.reloc(dbg, 0, s, 2);
        let obj = b.build();
        let view = ElfView::parse(&obj).unwrap();
        let p = plan(
            &view,
            &classify(&view).unwrap(),
            &MockTable { arity: false },
            BindOptions::default(),
        )
        .unwrap();
        assert_eq!(p.bindings.len(), 1);
        assert!(p.drop_symbols.is_empty());
    }

    #[test]
    fn suggestions_only_skip_names_too_far_apart_in_length_to_qualify() {
        // The length filter is a lower bound of the distance: it must never change the answer.
        let platform = crate::platform::Platform::builtin(crate::platform::PlatformKind::Linux);
        let names = platform.names();
        let brute = |name: &str| {
            let limit = (name.chars().count() / 3).max(1);
            names
                .iter()
                .map(|n| (strsim::osa_distance(name, n), *n))
                .filter(|&(d, _)| d <= limit)
                .min()
                .map(|(_, n)| n.to_string())
        };
        let long = "bpf_".repeat(500);
        let probes = [
            "bpf_map_lookup_elm",
            "bpf_ktime_get_sn",
            "bpf_map_lookup",
            "map_lookup_elem",
            "bpf_trace_printk_",
            "bpf_xdp_adjust_head_and_tail",
            "xyz",
            "a",
            "",
            "bpf_märchen_lookup_elem",
            long.as_str(),
        ];
        for probe in probes {
            assert_eq!(suggest(probe, &names), brute(probe), "{probe:?}");
        }
        assert_eq!(
            suggest("bpf_map_lookup_elm", &names).as_deref(),
            Some("bpf_map_lookup_elem")
        );
    }
}
