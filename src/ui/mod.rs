//! Drawing only: `impl Widget for &App` reads the state and paints a frame. Every
//! table builds just the rows on screen.

pub mod layout;
pub mod theme;
mod timeline;

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::action::{Section, PROMPT_KEYS};
use crate::app::{App, FlashKey, ACTIONS, MIN_HEIGHT, MIN_WIDTH};
use crate::engine::{Lifecycle, Outcome};
use crate::worker::Inspection;
use layout::Panel;
use theme::Theme;

/// Short form of a reference, as shown everywhere.
pub fn short(kp_ref: &str) -> &str {
    kp_ref.get(..8).unwrap_or(kp_ref)
}

/// Draws the whole screen.
impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme.theme();
        buf.set_style(area, theme.base);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(area, buf, &theme);
            return;
        }
        let areas = self.areas(area);
        header(self, areas.header, buf, &theme);
        for (panel, rect) in &areas.panels {
            let block = panel_block(self, *panel, &theme);
            let inner = block.inner(*rect);
            block.render(*rect, buf);
            match panel {
                Panel::Clients => clients(self, inner, buf, &theme),
                Panel::KeyPackages => key_packages(self, inner, buf, &theme),
                Panel::Ds => ds(self, inner, buf, &theme),
                Panel::Groups => groups(self, inner, buf, &theme),
                Panel::Timeline => timeline::render(self, inner, buf, &theme),
                Panel::Inspector => inspector(self, inner, buf, &theme),
            }
        }
        message(self, areas.message, buf, &theme);
        status(self, areas.status, buf, &theme);
        if self.show_help {
            help(self, area, buf, &theme);
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let text = vec![
        Line::styled("Please enlarge the terminal", theme.title),
        Line::raw(format!("to at least {MIN_WIDTH}×{MIN_HEIGHT}")),
        Line::raw(format!("(now {}×{})", area.width, area.height)),
        Line::styled("q quits", theme.muted),
    ];
    let height = (text.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(height) / 2;
    Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(Rect::new(area.x, y, area.width, height), buf);
}

fn panel_title(app: &App, panel: Panel) -> String {
    match panel {
        Panel::Clients => format!("Clients ({})", app.view.clients.len()),
        Panel::KeyPackages => match app.actor() {
            Some(name) => format!("Key packages of {name} (storage)"),
            None => "Key packages".into(),
        },
        Panel::Ds => "Delivery Service".into(),
        Panel::Groups => format!("Groups ({})", app.view.groups.len()),
        Panel::Timeline => format!("Timeline ({} events)", app.events.len()),
        Panel::Inspector => match &app.inspection {
            Some(Inspection::KeyPackage(d)) => {
                format!("Inspector: key package {}", short(&d.kp_ref))
            }
            Some(Inspection::Welcome(d)) => format!("Inspector: Welcome to {}", d.group),
            _ => "Inspector".into(),
        },
    }
}

fn panel_block<'a>(app: &App, panel: Panel, theme: &Theme) -> Block<'a> {
    let focused = app.focus == panel;
    let (border, kind) = if focused {
        (theme.border_focus, BorderType::Thick)
    } else {
        (theme.border, BorderType::Rounded)
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(border)
        .title(Span::styled(
            format!(" {} ", panel_title(app, panel)),
            theme.title,
        ))
}

/// A short reference, styled: the followed one stands out everywhere.
fn ref_span<'a>(app: &App, full: &'a str, theme: &Theme, base: Style) -> Span<'a> {
    let style = if app.followed.as_deref() == Some(full) {
        theme.follow
    } else if app.is_flashing(&FlashKey::Ref(full.to_string())) {
        theme.flash
    } else {
        base
    };
    Span::styled(short(full), style)
}

fn header(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let available: usize = app.view.ds.clients.values().map(|d| d.normal.len()).sum();
    let reuses = app.reuses();
    let mut spans = vec![
        Span::styled(" MLS Onboarding Lab ", theme.title),
        Span::styled("│ ", theme.border),
        Span::raw(format!(
            "{} clients · DS {available} available · ",
            app.view.clients.len()
        )),
        Span::styled(
            format!("last-resort reuses {reuses}"),
            if reuses > 0 { theme.reuse } else { theme.muted },
        ),
    ];
    if let Some(followed) = &app.followed {
        spans.push(Span::styled(" │ following ", theme.border));
        spans.push(Span::styled(short(followed), theme.follow));
    }
    let line = Line::from(spans);
    let used = line.width() as u16;
    line.render(area, buf);
    // Right-aligned, drawn last so that it is never cut off: work in progress, or
    // else the theme's name.
    let right = if let Some(busy) = &app.busy {
        let width = 10usize;
        let filled = (busy.done * width)
            .checked_div(busy.total)
            .unwrap_or(0)
            .min(width);
        let label: String = busy.label.chars().take(24).collect();
        Span::styled(
            format!(
                " {label} [{}{}] {}/{} ",
                "█".repeat(filled),
                "░".repeat(width - filled),
                busy.done,
                busy.total
            ),
            theme.warn,
        )
    } else if app.running > 0 {
        Span::styled(" working… ", theme.warn)
    } else if area.width > used + 20 {
        Span::styled(format!(" theme: {} ", app.theme.label()), theme.muted)
    } else {
        return;
    };
    let width = (right.width() as u16).min(area.width);
    let x = area.right() - width;
    right.render(Rect::new(x, area.y, width, 1), buf);
}

/// Paints the cursor row when the panel is focused.
fn highlight_row(app: &App, panel: Panel, area: Rect, y: u16, buf: &mut Buffer, theme: &Theme) {
    if app.focus == panel {
        buf.set_style(Rect::new(area.x, y, area.width, 1), theme.selected);
    }
}

fn visible(app: &App, panel: Panel, len: usize, height: usize) -> std::ops::Range<usize> {
    let offset = layout::scroll_offset(app.cursor(panel), len, height);
    offset..(offset + height).min(len)
}

fn clients(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    Line::styled(
        format!("{:<10}{:>5}{:>5}{:>7}", "client", "kp", "pub", "bundle"),
        theme.header,
    )
    .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let len = app.view.clients.len();
    for (row, i) in visible(app, Panel::Clients, len, body.height as usize).enumerate() {
        let client = &app.view.clients[i];
        let y = body.y + row as u16;
        let marker = if i == app.client { "▶" } else { " " };
        let name_style = if app.is_flashing(&FlashKey::Client(client.name.clone())) {
            theme.flash
        } else if i == app.client {
            theme.title
        } else {
            theme.base
        };
        let mut spans = vec![
            Span::styled(marker, theme.border_focus),
            Span::styled(format!("{:<9}", truncate(&client.name, 9)), name_style),
            Span::raw(format!(
                "{:>5}{:>5}{:>7}",
                client.key_packages.len(),
                client.published,
                client.bundles
            )),
        ];
        if client.pending > 0 {
            spans.push(Span::styled(format!(" ↓{}", client.pending), theme.warn));
        }
        Line::from(spans).render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.client {
            highlight_row(app, Panel::Clients, body, y, buf, theme);
        }
    }
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => "gone".into(),
        // Rounded, not truncated: a fresh 84-day package reads 84d, not 83d.
        s if s >= 86_400 => format!("{}d", (s + 43_200) / 86_400),
        s if s >= 3_600 => format!("{}h", (s + 1_800) / 3_600),
        s if s >= 60 => format!("{}m", (s + 30) / 60),
        s => format!("{s}s"),
    }
}

/// The state in a dozen characters, for narrow tables.
fn short_state(state: &Lifecycle) -> String {
    match state {
        Lifecycle::Claimed { by, group: None } => format!("claimed:{by}"),
        Lifecycle::Claimed { by, group: Some(g) } => format!("{by}→{g}"),
        Lifecycle::UsedToJoin { group } => format!("joined {group}"),
        Lifecycle::RetainedLastResort { groups } => format!("kept, {} joins", groups.len()),
        Lifecycle::Rejected { .. } => "rejected".into(),
        other => other.to_string(),
    }
}

fn state_style(state: &Lifecycle, theme: &Theme) -> Style {
    match state {
        Lifecycle::Generated => theme.base,
        Lifecycle::Published => theme.ok,
        Lifecycle::Claimed { .. } => theme.warn,
        Lifecycle::UsedToJoin { .. } => theme.muted,
        Lifecycle::RetainedLastResort { .. } => theme.last_resort,
        Lifecycle::Expired | Lifecycle::NotYetValid | Lifecycle::Rejected { .. } => theme.error,
        Lifecycle::Replaced => theme.muted,
    }
}

fn key_packages(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let Some(client) = app.view.clients.get(app.client) else {
        Paragraph::new("No clients. Type :clients NAME to create one.")
            .style(theme.muted)
            .render(area, buf);
        return;
    };
    let state_width = area.width.saturating_sub(4 + 9 + 7 + 8 + 5 + 5) as usize;
    Line::styled(
        format!(
            "{:>3} {:<9}{:<sw$}{:<7}{:<8}{:>5}{:>5}",
            "#",
            "ref",
            "state",
            "badge",
            "bundle",
            "life",
            "size",
            sw = state_width
        ),
        theme.header,
    )
    .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    if client.key_packages.is_empty() {
        Paragraph::new(format!(
            "{} has no key packages yet. Press g (or G for last resort).",
            client.name
        ))
        .style(theme.muted)
        .wrap(Wrap { trim: true })
        .render(body, buf);
        return;
    }
    // The DS's last-resort entry of this client: how often it was handed out.
    let lr_at_ds = app
        .view
        .ds
        .clients
        .get(&client.name)
        .and_then(|d| d.last_resort.as_ref())
        .map(|e| (crate::engine::wire::ref_hex(&e.kp_ref), e.handouts));
    let len = client.key_packages.len();
    for (row, i) in visible(app, Panel::KeyPackages, len, body.height as usize).enumerate() {
        let kp = &client.key_packages[i];
        let y = body.y + row as u16;
        let handouts = lr_at_ds
            .as_ref()
            .filter(|(r, _)| *r == kp.kp_ref)
            .map_or(0, |(_, h)| *h);
        let badge = if kp.last_resort && handouts > 1 {
            Span::styled(format!("LR↻{:<3}", handouts - 1), theme.reuse)
        } else if kp.last_resort && !kp.last_resort_capability {
            Span::styled("LR!cap ", theme.error)
        } else if kp.last_resort {
            Span::styled("LR     ", theme.last_resort)
        } else {
            Span::raw("       ")
        };
        let bundle = if kp.bundle_present {
            Span::styled("present ", theme.ok)
        } else {
            Span::styled("deleted ", theme.muted)
        };
        let state = match kp.state.to_string() {
            full if full.chars().count() <= state_width => full,
            _ => short_state(&kp.state),
        };
        let line = Line::from(vec![
            Span::styled(format!("{:>3} ", i + 1), theme.muted),
            ref_span(app, &kp.kp_ref, theme, theme.base),
            Span::raw(" "),
            Span::styled(
                format!("{:<sw$}", truncate(&state, state_width), sw = state_width),
                state_style(&kp.state, theme),
            ),
            badge,
            bundle,
            Span::raw(format!("{:>5}{:>5}", human(kp.lifetime_left), kp.bytes)),
        ]);
        line.render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.kp_cursor {
            highlight_row(app, Panel::KeyPackages, body, y, buf, theme);
        }
    }
}

fn ds(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    // Narrow panels get short column names; the help overlay explains them.
    let wide = area.width >= 40;
    let (name_w, avail_w, count_w) = if wide { (10, 6, 7) } else { (7, 4, 3) };
    let heads = if wide {
        ["client", "avail", "LR", "claims", "reuses"]
    } else {
        ["client", "avl", "LR", "cl", "↻"]
    };
    Line::styled(
        format!(
            "{:<name_w$}{:>avail_w$} {:<9}{:>count_w$}{:>count_w$}",
            heads[0], heads[1], heads[2], heads[3], heads[4]
        ),
        theme.header,
    )
    .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let rows = app.ds_rows();
    for (row, i) in visible(app, Panel::Ds, rows.len(), body.height as usize).enumerate() {
        let y = body.y + row as u16;
        let line = match rows[i] {
            (c, None) => {
                let Some(client) = app.view.clients.get(c) else {
                    continue;
                };
                let dir = app.view.ds.clients.get(&client.name);
                let available = dir.map_or(0, |d| d.normal.len());
                let lr = dir
                    .and_then(|d| d.last_resort.as_ref())
                    .map(|e| crate::engine::wire::ref_hex(&e.kp_ref));
                let claims = dir.map_or(0, |d| d.claims);
                let reuses = dir.map_or(0, |d| d.last_resort_reuses);
                let mut spans = vec![
                    Span::styled(
                        format!("{:<name_w$}", truncate(&client.name, name_w - 1)),
                        theme.ds,
                    ),
                    Span::raw(format!("{available:>avail_w$} ")),
                ];
                match &lr {
                    Some(r) => {
                        let style = if app.followed.as_deref() == Some(r.as_str()) {
                            theme.follow
                        } else {
                            theme.last_resort
                        };
                        spans.push(Span::styled(short(r).to_string(), style));
                        spans.push(Span::raw(" "));
                    }
                    None => spans.push(Span::styled(format!("{:<9}", "-"), theme.muted)),
                }
                spans.push(Span::raw(format!("{claims:>count_w$}")));
                spans.push(Span::styled(
                    format!("{reuses:>count_w$}"),
                    if reuses > 0 { theme.reuse } else { theme.base },
                ));
                Line::from(spans)
            }
            (_, Some(e)) => {
                let Some(entry) = app.ds_entry(e) else {
                    continue;
                };
                let full = crate::engine::wire::ref_hex(&entry.kp_ref);
                let owner = app.actor().unwrap_or("?");
                let mut spans = vec![
                    Span::styled(format!("  {owner}/"), theme.muted),
                    Span::styled(
                        short(&full).to_string(),
                        if app.followed.as_deref() == Some(full.as_str()) {
                            theme.follow
                        } else if app.is_flashing(&FlashKey::Ref(full.clone())) {
                            theme.flash
                        } else {
                            theme.base
                        },
                    ),
                    Span::raw(format!(
                        " suite {} {}B",
                        entry.ciphersuite,
                        entry.bytes.len()
                    )),
                ];
                if entry.last_resort {
                    spans.push(Span::styled(" LR", theme.last_resort));
                    if entry.handouts > 1 {
                        spans.push(Span::styled(
                            format!(" ↻×{}", entry.handouts - 1),
                            theme.reuse,
                        ));
                    }
                }
                Line::from(spans)
            }
        };
        line.render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.ds_cursor {
            highlight_row(app, Panel::Ds, body, y, buf, theme);
        }
    }
}

fn groups(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let rows = app.group_rows();
    if rows.is_empty() {
        Paragraph::new("No groups yet. Press n to create one, a to add members.")
            .style(theme.muted)
            .wrap(Wrap { trim: true })
            .render(area, buf);
        return;
    }
    for (row, i) in visible(app, Panel::Groups, rows.len(), area.height as usize).enumerate() {
        let y = area.y + row as u16;
        let (g, member) = rows[i];
        let Some(group) = app.view.groups.get(g) else {
            continue;
        };
        let line = match member {
            None => {
                let style = if app.is_flashing(&FlashKey::Group(group.name.clone())) {
                    theme.flash
                } else {
                    theme.title
                };
                let sync = if group.in_sync() {
                    Span::styled(" in sync", theme.ok)
                } else {
                    Span::styled(" out of sync", theme.error)
                };
                Line::from(vec![
                    Span::styled(group.name.clone(), style),
                    Span::styled(format!(" {} members", group.members.len()), theme.muted),
                    sync,
                ])
            }
            Some(m) => {
                let Some(member) = group.members.get(m) else {
                    continue;
                };
                let mut spans = vec![
                    Span::raw(format!("  {:<8}", truncate(&member.client, 8))),
                    Span::raw(format!("e{:<3}", member.epoch)),
                    Span::styled(short(&member.epoch_authenticator).to_string(), theme.muted),
                ];
                if member.via_last_resort {
                    spans.push(Span::styled(" LR", theme.last_resort));
                }
                if member.needs_update {
                    spans.push(Span::styled(" update!", theme.warn));
                }
                Line::from(spans)
            }
        };
        line.render(Rect::new(area.x, y, area.width, 1), buf);
        if i == app.group_cursor {
            highlight_row(app, Panel::Groups, area, y, buf, theme);
        }
    }
}

fn inspector(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let lines = inspector_lines(app, theme);
    let scroll = app.inspector_scroll.min(lines.len().saturating_sub(1));
    for (row, line) in lines
        .into_iter()
        .skip(scroll)
        .take(area.height as usize)
        .enumerate()
    {
        line.render(Rect::new(area.x, area.y + row as u16, area.width, 1), buf);
    }
}

/// How many lines the inspector has, for scrolling it.
pub fn inspector_len(app: &App) -> usize {
    inspector_lines(app, &app.theme.theme()).len()
}

fn field<'a>(name: &str, value: impl Into<Span<'a>>, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{name:<17}"), theme.header),
        value.into(),
    ])
}

fn inspector_lines<'a>(app: &'a App, theme: &Theme) -> Vec<Line<'a>> {
    match &app.inspection {
        None => vec![
            Line::styled("Select a key package, a DS entry", theme.muted),
            Line::styled("or a Welcome in the timeline.", theme.muted),
        ],
        Some(Inspection::Unavailable(why)) => vec![Line::styled(why.clone(), theme.error)],
        Some(Inspection::KeyPackage(d)) => {
            let mut lines = vec![field(
                "reference",
                ref_span(app, &d.kp_ref, theme, theme.base),
                theme,
            )];
            // The journey first: where this reference went, event by event.
            if app.followed.as_deref() == Some(d.kp_ref.as_str()) && !app.journey.is_empty() {
                lines.push(Line::styled(
                    format!("journey ({} events)", app.journey.len()),
                    theme.header,
                ));
                for seq in &app.journey {
                    let Some(event) = app.events.get((*seq as usize).saturating_sub(1)) else {
                        continue;
                    };
                    let (from, to) = timeline::endpoints(event);
                    let route = match to {
                        Some(to) => format!("{from} → {to}"),
                        None => from.to_string(),
                    };
                    let mut spans = vec![
                        Span::styled(format!("  #{seq:<5}"), theme.muted),
                        Span::raw(format!("{route:<16} ")),
                    ];
                    spans.extend(timeline::label(app, event, theme));
                    lines.push(Line::from(spans).style(outcome_style(event.outcome, theme)));
                }
            }
            lines.extend([
                field(
                    "hash_ref",
                    Span::styled(d.kp_ref.clone(), theme.muted),
                    theme,
                ),
                field("owner", d.owner.clone(), theme),
                field("version", d.version.clone(), theme),
                field(
                    "cipher_suite",
                    format!("{} ({})", d.suite, d.suite_name),
                    theme,
                ),
                field("init_key", d.init_key.clone(), theme),
                field("encryption_key", d.encryption_key.clone(), theme),
                field("signature_key", d.signature_key.clone(), theme),
                field("credential", d.credential.clone(), theme),
            ]);
            for (name, value) in &d.capabilities {
                lines.push(field(&format!("cap.{name}"), value.clone(), theme));
            }
            lines.push(field(
                "lifetime",
                format!("{} .. {} (unix s)", d.not_before, d.not_after),
                theme,
            ));
            lines.push(field(
                "extensions",
                if d.extensions.is_empty() {
                    "none".to_string()
                } else {
                    d.extensions.join(", ")
                },
                theme,
            ));
            lines.push(field(
                "leaf ext.",
                if d.leaf_extensions.is_empty() {
                    "none".to_string()
                } else {
                    d.leaf_extensions.join(", ")
                },
                theme,
            ));
            let sizes = d
                .sizes
                .iter()
                .map(|(n, s)| format!("{n} {s}B"))
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(field("sizes", sizes, theme));
            lines
        }
        Some(Inspection::Welcome(d)) => {
            let mut lines = vec![
                field("group", d.group.clone(), theme),
                field("sender", d.sender.clone(), theme),
                field("cipher_suite", d.suite.to_string(), theme),
                field("size", format!("{} bytes", d.bytes), theme),
                Line::styled(format!("secrets[] ({})", d.secrets.len()), theme.header),
            ];
            for (i, secret) in d.secrets.iter().enumerate() {
                let mut spans = vec![
                    Span::raw(format!("  [{i}] new_member ")),
                    ref_span(app, &secret.new_member, theme, theme.base),
                    Span::raw(format!(
                        " of {} {}B",
                        secret.owner.as_deref().unwrap_or("?"),
                        secret.bytes
                    )),
                ];
                match &secret.matched_by {
                    Some(by) => spans.push(Span::styled(format!(" ✓ matched by {by}"), theme.ok)),
                    None => spans.push(Span::styled(" not joined yet", theme.muted)),
                }
                lines.push(Line::from(spans));
            }
            lines
        }
    }
}

fn message(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if let Some(prompt) = &app.prompt {
        // A line longer than the screen scrolls so that the cursor stays visible.
        let room = usize::from(area.width.saturating_sub(2));
        let skip = prompt.cursor.saturating_sub(room);
        let shown: String = prompt.input.chars().skip(skip).collect();
        let mut spans = vec![Span::styled(":", theme.key), Span::raw(shown)];
        if let Some(error) = &prompt.error {
            spans.push(Span::styled(format!("  ✗ {error}"), theme.error));
        } else if !prompt.completions.is_empty() {
            spans.push(Span::styled(
                format!("   Tab: {}", prompt.completions.join(" ")),
                theme.muted,
            ));
        }
        Line::from(spans).render(area, buf);
        let x = area.x + 1 + (prompt.cursor - skip) as u16;
        if x < area.right() {
            buf.set_style(
                Rect::new(x, area.y, 1, 1),
                Style::new().add_modifier(Modifier::REVERSED),
            );
        }
        return;
    }
    if let Some(toast) = app.toasts.last() {
        let style = if toast.error { theme.error } else { theme.ok };
        let mark = if toast.error { "✗ " } else { "✓ " };
        Line::styled(format!("{mark}{}", toast.text), style).render(area, buf);
        return;
    }
    if let Some(caption) = app.caption.as_ref().filter(|c| !c.is_empty()) {
        Line::styled(caption.clone(), theme.caption).render(area, buf);
        return;
    }
    if let Some(hint) = &app.hint {
        Line::styled(hint.clone(), theme.caption).render(area, buf);
    }
}

fn status(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let mut spans = Vec::new();
    if app.prompt.is_some() {
        for (key, label, _) in PROMPT_KEYS {
            spans.push(Span::styled(format!(" {key} "), theme.key));
            spans.push(Span::raw(format!(" {label} ")));
        }
    } else {
        if let Some(actor) = app.actor() {
            spans.push(Span::styled(format!("{actor}: "), theme.title));
        }
        for spec in ACTIONS.iter().filter(|s| s.status) {
            if let Some(key) = spec.keys.first() {
                spans.push(Span::styled(format!(" {} ", key.label()), theme.key));
                spans.push(Span::raw(format!(" {} ", spec.label)));
            }
        }
    }
    Line::from(spans).render(area, buf);
}

fn help(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let width = area.width.min(84);
    let mut lines: Vec<Line> = Vec::new();
    for section in Section::ALL {
        lines.push(Line::styled(section.title(), theme.header));
        for spec in ACTIONS.iter().filter(|s| s.section == section) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", spec.keys_label()), theme.title),
                Span::raw(spec.help),
            ]));
        }
    }
    lines.push(Line::styled("At the : prompt", theme.header));
    for (key, _, help) in PROMPT_KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<16}"), theme.title),
            Span::raw(*help),
        ]));
    }
    lines.push(Line::styled(
        "DS columns: avl normal packages available · LR last-resort package · cl claims · ↻ reuses",
        theme.muted,
    ));
    lines.push(Line::styled(
        "The : prompt takes scenario lines: bob generate 3 · alice claim bob · alice add bob --to team",
        theme.muted,
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    // On a small screen the overlay scrolls; the title says so.
    let room = usize::from(height.saturating_sub(2));
    let scroll = app.help_scroll.min(lines.len().saturating_sub(room));
    let more = lines.len() > room;
    let lines: Vec<Line> = lines.into_iter().skip(scroll).collect();
    let title = if more {
        " Keys (↑↓ scroll, any other key closes) "
    } else {
        " Keys (any key closes) "
    };
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(ratatui::layout::Flex::Center)
        .areas(popup);
    Clear.render(popup, buf);
    buf.set_style(popup, theme.base);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_type(BorderType::Double)
                .border_style(theme.border_focus)
                .title(Span::styled(title, theme.title)),
        )
        .render(popup, buf);
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Style of an event by its outcome.
pub(crate) fn outcome_style(outcome: Outcome, theme: &Theme) -> Style {
    match outcome {
        Outcome::Ok => theme.arrow,
        Outcome::Error => theme.error,
    }
}
