//! The crate's layers, read from its own source: every `use` and every qualified
//! path (`crate::x::y`, `super::x`) of every file under `src/` that the library
//! compiles, resolved to the file that defines what it names.
//!
//! - Each top-level module may use only the modules below it ([`LAYERS`]).
//! - No file uses another that uses it back, directly or through others. A
//!   module's own file may use its children (that is how a folder is built), and
//!   a `pub use` is followed to the file that defines the name, so a re-export in
//!   a `mod.rs` is no edge of its own. Test code (`#[cfg(test)]`) may use
//!   anything in its layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// What a top-level module may use besides itself.
enum May {
    Use(&'static [&'static str]),
    /// The terminal and the command line sit on top of everything.
    UseAll,
}

/// The layers, bottom first: domain (leaf values) <- inspect <- engine <- command
/// <- worker <- app <- ui <- terminal, with `explain` (why events and errors
/// happen) on the engine and the parser, and `runner` (headless runs) on the
/// command layer.
const LAYERS: &[(&str, May)] = &[
    ("domain", May::Use(&[])),
    ("inspect", May::Use(&["domain"])),
    ("engine", May::Use(&["domain", "inspect"])),
    ("command", May::Use(&["domain", "inspect", "engine"])),
    (
        "explain",
        May::Use(&["domain", "inspect", "engine", "command"]),
    ),
    (
        "runner",
        May::Use(&["domain", "inspect", "engine", "command", "explain"]),
    ),
    (
        "worker",
        May::Use(&["domain", "inspect", "engine", "command"]),
    ),
    (
        "app",
        May::Use(&[
            "domain", "inspect", "engine", "command", "explain", "worker",
        ]),
    ),
    (
        "ui",
        May::Use(&[
            "domain", "inspect", "engine", "command", "explain", "worker", "app",
        ]),
    ),
    // The DS as a network server: the engine's DS behind HTTP routes.
    ("serve", May::Use(&["domain", "inspect", "engine"])),
    // The teacher's screen of `serve`: its events and the DS's directory,
    // drawn with the app's palettes and table helpers.
    (
        "room",
        May::Use(&["domain", "inspect", "engine", "serve", "app"]),
    ),
    ("terminal", May::UseAll),
    ("cli", May::UseAll),
];

/// One module of the library: its file, the names it defines, and its imports.
#[derive(Default)]
struct Module {
    file: PathBuf,
    /// Declared under `#[cfg(test)]` (or inside such a module).
    test_only: bool,
    children: BTreeSet<String>,
    /// Items defined at the top of the file.
    defines: BTreeSet<String>,
    /// `use` declarations by the name they bring in: the absolute path.
    imports: BTreeMap<String, Vec<String>>,
    /// `use path::*`: absolute module paths.
    globs: Vec<Vec<String>>,
}

/// One reference from a file to a path of the crate.
struct Reference {
    from: Vec<String>,
    path: Vec<String>,
    in_test: bool,
    /// As written, for the failure message.
    text: String,
}

struct Crate {
    /// The source folder, `src/`.
    root: PathBuf,
    modules: BTreeMap<Vec<String>, Module>,
    references: Vec<Reference>,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn read(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[cfg(test)]`.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn defined_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

/// Every path a `use` tree brings in: (segments, the name it binds; `*` for a glob).
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                out.push((prefix.clone(), prefix.last().cloned().unwrap_or_default()));
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push((path, name));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            if r.ident != "self" {
                path.push(r.ident.to_string());
            }
            out.push((path, r.rename.to_string()));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), "*".into())),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_paths(tree, prefix, out);
            }
        }
    }
}

/// A path as written, made absolute from module `at` (whose declared children
/// are `children`); `None` for another crate's path.
fn absolute(at: &[String], children: &BTreeSet<String>, path: &[String]) -> Option<Vec<String>> {
    let (first, rest) = path.split_first()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" | "mls_lab" => Vec::new(),
        "self" => at.to_vec(),
        "super" => at[..at.len().checked_sub(1)?].to_vec(),
        child if children.contains(child) => {
            let mut base = at.to_vec();
            base.push(child.to_string());
            base
        }
        _ => return None,
    };
    let mut rest = rest;
    // `super::super::x`
    while let Some(("super", tail)) = rest.split_first().map(|(s, t)| (s.as_str(), t)) {
        base.pop()?;
        rest = tail;
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// Collects the references of one file's items, in module `at` (a file's module,
/// or an inline module inside it).
struct Collector<'a> {
    file_module: Vec<String>,
    at: Vec<String>,
    children: &'a BTreeSet<String>,
    in_test: bool,
    found: Vec<(Vec<String>, bool, String)>,
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let was = self.in_test;
        self.in_test |= is_test(attrs(item));
        syn::visit::visit_item(self, item);
        self.in_test = was;
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_some() {
            self.at.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.at.pop();
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        use_paths(&item.tree, &mut Vec::new(), &mut paths);
        for (path, _) in paths {
            // Inside an inline module, `super` starts from there; its children
            // are not files, so only the file's own children are known.
            if let Some(absolute) = absolute(&self.at, self.children, &path) {
                self.found.push((absolute, self.in_test, path.join("::")));
            }
        }
    }

    /// `pub(in crate::x)` says who may see an item, not what it uses.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    /// Paths inside a macro's arguments (`format!("{}", crate::x::y(..))`),
    /// which syn leaves as tokens.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Printed tokens are separated by spaces, with `::` as one word.
        let text = mac.tokens.to_string();
        let tokens: Vec<String> = text.split_whitespace().map(String::from).collect();
        let mut i = 0;
        while i < tokens.len() {
            let mut segments = vec![tokens[i].clone()];
            let mut j = i + 1;
            while tokens.get(j).map(String::as_str) == Some("::") {
                match tokens.get(j + 1) {
                    Some(next) if next.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                        segments.push(next.clone());
                        j += 2;
                    }
                    _ => break,
                }
            }
            if segments.len() > 1
                && matches!(segments[0].as_str(), "crate" | "super" | "self" | "mls_lab")
            {
                if let Some(absolute) = absolute(&self.at, self.children, &segments) {
                    self.found
                        .push((absolute, self.in_test, segments.join("::")));
                }
            }
            i = j.max(i + 1);
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 {
            if let Some(absolute) = absolute(&self.at, self.children, &segments) {
                self.found
                    .push((absolute, self.in_test, segments.join("::")));
            }
        }
        syn::visit::visit_path(self, path);
    }
}

/// The file of child `name` of a module whose file is `file`.
fn child_file(file: &Path, name: &str) -> PathBuf {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let dir = match stem {
        "lib" | "main" | "mod" => file.parent().map(Path::to_path_buf),
        _ => file.parent().map(|p| p.join(stem)),
    }
    .unwrap_or_default();
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

/// The library's modules, from `src/lib.rs` down its `mod` declarations.
fn load(root: &Path) -> Crate {
    let mut krate = Crate {
        root: root.to_path_buf(),
        modules: BTreeMap::new(),
        references: Vec::new(),
    };
    let mut pending = vec![(Vec::new(), root.join("lib.rs"), false)];
    while let Some((path, file, test_only)) = pending.pop() {
        let ast = read(&file);
        let mut module = Module {
            file: file.clone(),
            test_only,
            ..Module::default()
        };
        for item in &ast.items {
            if let syn::Item::Mod(m) = item {
                if m.content.is_none() {
                    let name = m.ident.to_string();
                    let mut child = path.clone();
                    child.push(name.clone());
                    pending.push((
                        child,
                        child_file(&file, &name),
                        test_only || is_test(&m.attrs),
                    ));
                    module.children.insert(name);
                }
            }
            if let Some(name) = defined_name(item) {
                module.defines.insert(name);
            }
        }
        for item in &ast.items {
            if let syn::Item::Use(u) = item {
                let mut paths = Vec::new();
                use_paths(&u.tree, &mut Vec::new(), &mut paths);
                for (used, name) in paths {
                    let Some(absolute) = absolute(&path, &module.children, &used) else {
                        continue;
                    };
                    if name == "*" {
                        module.globs.push(absolute);
                    } else {
                        module.imports.insert(name, absolute);
                    }
                }
            }
        }
        let mut collector = Collector {
            file_module: path.clone(),
            at: path.clone(),
            children: &module.children,
            in_test: test_only,
            found: Vec::new(),
        };
        collector.visit_file(&ast);
        let file_module = collector.file_module.clone();
        for (target, in_test, text) in collector.found {
            krate.references.push(Reference {
                from: file_module.clone(),
                path: target,
                in_test,
                text,
            });
        }
        krate.modules.insert(path, module);
    }
    krate
}

impl Crate {
    /// The module that defines what `path` names: the deepest module it walks
    /// through, then, for a name that module only imports, where the import
    /// leads (re-exports are followed to their definition).
    fn resolve(&self, path: &[String], depth: usize) -> Vec<String> {
        let mut module: Vec<String> = Vec::new();
        let mut rest = path;
        while let Some((first, tail)) = rest.split_first() {
            let known = self
                .modules
                .get(&module)
                .is_some_and(|m| m.children.contains(first));
            if !known {
                break;
            }
            module.push(first.clone());
            rest = tail;
        }
        let (Some(name), Some(found)) = (rest.first(), self.modules.get(&module)) else {
            return module;
        };
        if depth > 16 || found.defines.contains(name) {
            return module;
        }
        if let Some(target) = found.imports.get(name) {
            let mut target = target.clone();
            target.extend(rest[1..].iter().cloned());
            return self.resolve(&target, depth + 1);
        }
        for glob in &found.globs {
            let mut target = glob.clone();
            target.extend(rest.iter().cloned());
            let resolved = self.resolve(&target, depth + 1);
            if resolved != *glob && self.modules.contains_key(&resolved) {
                return resolved;
            }
        }
        module
    }

    /// A module's file as `src/...`, as messages name it.
    fn file(&self, module: &[String]) -> String {
        match self.modules.get(module) {
            Some(m) => Path::new("src")
                .join(m.file.strip_prefix(&self.root).unwrap_or(&m.file))
                .display()
                .to_string(),
            None => module.join("::"),
        }
    }

    /// (from, to, text) between files, each reference resolved.
    fn edges(&self) -> Vec<(Vec<String>, Vec<String>, bool, String)> {
        self.references
            .iter()
            .map(|r| {
                (
                    r.from.clone(),
                    self.resolve(&r.path, 0),
                    r.in_test,
                    r.text.clone(),
                )
            })
            .filter(|(from, to, _, _)| from != to)
            .collect()
    }
}

fn layer_of(module: &[String]) -> Option<&str> {
    module.first().map(String::as_str)
}

/// Every use of a top-level module that its layer does not allow.
fn back_edges(krate: &Crate) -> Vec<String> {
    let mut found = BTreeSet::new();
    for module in krate.modules.keys() {
        if let [top] = module.as_slice() {
            if !LAYERS.iter().any(|(name, _)| name == top) {
                found.insert(format!(
                    "top-level module `{top}` ({}) is not in the layer table of tests/architecture.rs: add it with what it may use",
                    krate.file(module)
                ));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (from, to, _, text) in krate.edges() {
        // One line per pair of files: the first use between them.
        if !seen.insert((from.clone(), to.clone())) {
            continue;
        }
        let (Some(from_layer), Some(to_layer)) = (layer_of(&from), layer_of(&to)) else {
            continue;
        };
        if from_layer == to_layer {
            continue;
        }
        let allowed = match LAYERS.iter().find(|(name, _)| *name == from_layer) {
            Some((_, May::UseAll)) => true,
            Some((_, May::Use(below))) => below.contains(&to_layer),
            None => false,
        };
        if !allowed {
            found.insert(format!(
                "back-edge {from_layer} -> {to_layer}: {} uses {text} ({})",
                krate.file(&from),
                krate.file(&to)
            ));
        }
    }
    found.into_iter().collect()
}

/// Cycles between files, each as `a -> b -> ... -> a` with what each uses.
fn cycles(krate: &Crate) -> Vec<String> {
    // Edges that count: not from test code, not from a module's own file to
    // its descendants (a folder's `mod.rs` builds on its children).
    let mut graph: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for (from, to, in_test, text) in krate.edges() {
        let test_only = krate.modules.get(&from).is_some_and(|m| m.test_only)
            || krate.modules.get(&to).is_some_and(|m| m.test_only);
        if in_test || test_only || to.starts_with(&from) || !krate.modules.contains_key(&to) {
            continue;
        }
        graph.entry(from).or_default().entry(to).or_insert(text);
    }
    // Tarjan's strongly connected components.
    struct Tarjan<'g> {
        graph: &'g BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        on_stack: BTreeSet<&'g Vec<String>>,
        components: Vec<Vec<&'g Vec<String>>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, node: &'g Vec<String>) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            if let Some(targets) = self.graph.get(node) {
                for target in targets.keys() {
                    if !self.index.contains_key(target) {
                        self.visit(target);
                        let low = self.low[node].min(self.low[target]);
                        self.low.insert(node, low);
                    } else if self.on_stack.contains(target) {
                        let low = self.low[node].min(self.index[target]);
                        self.low.insert(node, low);
                    }
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    component.push(top);
                    if top == node {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }
    let mut tarjan = Tarjan {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in graph.keys() {
        if !tarjan.index.contains_key(node) {
            tarjan.visit(node);
        }
    }
    let mut found = Vec::new();
    for component in tarjan.components.iter().filter(|c| c.len() > 1) {
        let members: BTreeSet<&Vec<String>> = component.iter().copied().collect();
        // One concrete cycle through the component: breadth first from its
        // first member back to it.
        let start = component[component.len() - 1];
        let mut previous: BTreeMap<&Vec<String>, &Vec<String>> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut closing = None;
        'search: while let Some(node) = queue.pop_front() {
            for target in graph.get(node).map(|t| t.keys()).into_iter().flatten() {
                if target == start {
                    closing = Some(node);
                    break 'search;
                }
                if members.contains(target) && !previous.contains_key(target) {
                    previous.insert(target, node);
                    queue.push_back(target);
                }
            }
        }
        // Back from the member that closes the cycle to the start, then around.
        let closing = closing.unwrap_or(start);
        let mut path = vec![closing];
        let mut node = closing;
        while node != start {
            node = previous.get(node).copied().unwrap_or(start);
            path.push(node);
        }
        path.reverse();
        path.push(start);
        let files: Vec<String> = path.iter().map(|m| krate.file(m)).collect();
        let uses: Vec<String> = path
            .windows(2)
            .map(|w| format!("{} uses {}", krate.file(w[0]), graph[w[0]][w[1]]))
            .collect();
        let mut all: Vec<String> = component.iter().map(|m| krate.file(m)).collect();
        all.sort();
        found.push(format!(
            "cycle {} ({}); all files of this cycle: {}",
            files.join(" -> "),
            uses.join("; "),
            all.join(", ")
        ));
    }
    found
}

#[test]
fn every_top_level_module_uses_only_the_layers_below_it() {
    let krate = load(&src());
    assert!(krate.modules.len() > 50, "the library was not read");
    let found = back_edges(&krate);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_file_uses_a_file_that_uses_it_back() {
    let krate = load(&src());
    let found = cycles(&krate);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The checks themselves: a back-edge and a cycle between siblings are found,
/// a `mod.rs` building on its children and a re-export are not.
#[test]
fn the_checks_find_what_they_look_for() {
    let dir = std::env::temp_dir().join(format!("mls-lab-architecture-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = [
        ("lib.rs", "pub mod domain; pub mod engine;"),
        // A folder's mod.rs building on its child, which uses it back: no cycle.
        (
            "domain/mod.rs",
            "mod a; mod b; pub use a::Thing; pub struct Shared;",
        ),
        (
            "domain/a.rs",
            "use super::b::other; use super::Shared; pub struct Thing;",
        ),
        (
            "domain/b.rs",
            "pub fn other() { let _ = crate::engine::Z; }",
        ),
        (
            "engine/mod.rs",
            "mod one; mod three; mod two; pub use one::X; pub use three::Z;",
        ),
        ("engine/three.rs", "pub struct Z;"),
        (
            "engine/one.rs",
            "use super::two::Y; use crate::domain::Thing; pub struct X;",
        ),
        (
            "engine/two.rs",
            "pub struct Y; fn f() { let _ = super::one::X; }",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let krate = load(&dir);
    let back = back_edges(&krate);
    assert_eq!(back.len(), 1, "{back:?}");
    assert!(
        back[0].starts_with("back-edge domain -> engine: src/domain/b.rs")
            && back[0].ends_with("(src/engine/three.rs)"),
        "{back:?}"
    );
    let cycles = cycles(&krate);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("cycle src/engine/")
            && cycles[0].contains("src/engine/one.rs")
            && cycles[0].contains("src/engine/two.rs"),
        "{cycles:?}"
    );
    // `crate::domain::Thing` is defined in domain/a.rs, which the re-export leads to.
    assert_eq!(
        krate.resolve(&["domain".into(), "Thing".into()], 0),
        ["domain", "a"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
