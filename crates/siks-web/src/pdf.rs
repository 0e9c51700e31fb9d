//! Papers as PDF, made on the server: the berita acara, the SPTJM, the ratification list and a
//! household's data sheet, with the same content as their print pages. A4 portrait, DejaVu Serif
//! embedded (so that a copy prints alike everywhere and its text can be searched and copied),
//! numbered pages, a table whose header repeats on each page, and the signature blocks.
//!
//! The layout is small on purpose: a paper is a title, a few lines of facts, a paragraph, one
//! table and the signatures; text is wrapped by the font's own widths.

use std::sync::LazyLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};

/// One paper's content, as its print page shows it.
#[derive(Debug, Clone, Default)]
pub struct Paper {
    pub title: String,
    /// "Nomor: …" under the title; empty for none.
    pub number: String,
    /// (label, text) lines at the head: the region, then the facts.
    pub head: Vec<(String, String)>,
    pub opening: String,
    /// The table: column titles, their relative widths, and the rows.
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
    /// "Desa X, 4 Desember 2026" above the signatures; empty for none.
    pub place_date: String,
    /// (role, name) of each signature block; an empty name leaves a dotted line.
    pub signatures: Vec<(String, String)>,
}

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");

/// The fonts, parsed once.
static FONTS: LazyLock<(ParsedFont, ParsedFont)> = LazyLock::new(|| {
    let parse = |bytes: &[u8]| {
        ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the embedded font parses")
    };
    (parse(REGULAR), parse(BOLD))
});

const PAGE_WIDTH: f32 = 210.0;
const PAGE_HEIGHT: f32 = 297.0;
const MARGIN: f32 = 20.0;
const BOTTOM: f32 = 22.0;
const BODY: f32 = 10.0;
const TABLE: f32 = 8.5;
const TITLE: f32 = 13.0;
/// Points per millimetre.
const PT: f32 = 72.0 / 25.4;

/// The paper as the bytes of a PDF file, made at `made` (seconds since 1970, UTC).
pub fn render(paper: &Paper, made: i64) -> Vec<u8> {
    let (regular, bold) = &*FONTS;
    let mut doc = PdfDocument::new(&paper.title);
    if let Ok(at) = printpdf::OffsetDateTime::from_unix_timestamp(made) {
        let info = &mut doc.metadata.info;
        (
            info.creation_date,
            info.modification_date,
            info.metadata_date,
        ) = (at, at, at);
    }
    doc.metadata.info.creator = "siks".into();
    let fonts = Fonts {
        regular: doc.add_font(regular),
        bold: doc.add_font(bold),
    };
    let mut layout = Layout::new(&fonts);
    layout.paper(paper);
    let pages = layout.finish();
    doc.with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

struct Fonts {
    regular: FontId,
    bold: FontId,
}

/// The width of `text` in millimetres at `size` points.
fn width(text: &str, size: f32, bold: bool) -> f32 {
    let (regular, heavy) = &*FONTS;
    let font = if bold { heavy } else { regular };
    let units: u32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(c as u32)
                .and_then(|g| font.get_glyph_width(g))
                .unwrap_or(font.units_per_em / 2) as u32
        })
        .sum();
    units as f32 / f32::from(font.units_per_em.max(1)) * size / PT
}

/// `text` broken into lines no wider than `room` millimetres, at word boundaries (a word wider
/// than the room is broken where it must).
fn wrap(text: &str, size: f32, bold: bool, room: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, bold) <= room {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: broken by characters when it does not fit either.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(&piece, size, bold) > room && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

/// Pages being filled from the top, in millimetres from the page's top edge.
struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the current page.
    y: f32,
    /// The table's header, drawn again at the top of each page the table continues on.
    header: Option<(Vec<String>, Vec<f32>)>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts) -> Self {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: MARGIN,
            header: None,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
        if let Some((titles, widths)) = self.header.clone() {
            self.row(&titles, &widths, true);
        }
    }

    /// Room for `height` more millimetres on this page, or a new one.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - BOTTOM {
            self.new_page();
        }
    }

    /// One line of text with its baseline `size` below the cursor's top.
    fn text(&mut self, text: &str, x: f32, top: f32, size: f32, bold: bool) {
        let font = if bold {
            self.fonts.bold.clone()
        } else {
            self.fonts.regular.clone()
        };
        let baseline = PAGE_HEIGHT - top - size * 0.8 / PT;
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x).into(),
                    y: Mm(baseline).into(),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32)) {
        let point = |(x, y): (f32, f32)| LinePoint {
            p: Point {
                x: Mm(x).into(),
                y: Mm(PAGE_HEIGHT - y).into(),
            },
            bezier: false,
        };
        self.ops().push(Op::DrawLine {
            line: Line {
                points: vec![point(from), point(to)],
                is_closed: false,
            },
        });
    }

    /// A paragraph across the page.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool, centred: bool) {
        let room = PAGE_WIDTH - 2.0 * MARGIN;
        let height = size * 1.35 / PT;
        for line in wrap(text, size, bold, room) {
            self.room(height);
            let x = if centred {
                (PAGE_WIDTH - width(&line, size, bold)) / 2.0
            } else {
                MARGIN
            };
            let y = self.y;
            self.text(&line, x, y, size, bold);
            self.y += height;
        }
    }

    /// One table row (the header when `bold`): cells wrapped in their columns, a border around
    /// each.
    fn row(&mut self, cells: &[String], widths: &[f32], bold: bool) {
        let pad = 1.2;
        let line_height = TABLE * 1.3 / PT;
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(cell, w)| wrap(cell, TABLE, bold, w - 2.0 * pad))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * line_height + 2.0 * pad;
        if self.y + height > PAGE_HEIGHT - BOTTOM {
            self.new_page();
        }
        let top = self.y;
        let mut x = MARGIN;
        for (cell, w) in wrapped.iter().zip(widths) {
            for (i, text) in cell.iter().enumerate() {
                self.text(
                    text,
                    x + pad,
                    top + pad + i as f32 * line_height,
                    TABLE,
                    bold,
                );
            }
            self.line((x, top), (x, top + height));
            x += w;
        }
        self.line((x, top), (x, top + height));
        self.line((MARGIN, top), (x, top));
        self.line((MARGIN, top + height), (x, top + height));
        self.y += height;
    }

    fn paper(&mut self, paper: &Paper) {
        self.ops().extend([
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb {
                    r: 0.3,
                    g: 0.3,
                    b: 0.3,
                    icc_profile: None,
                }),
            },
        ]);
        self.paragraph(&paper.title.to_uppercase(), TITLE, true, true);
        if !paper.number.is_empty() {
            self.paragraph(&format!("Nomor: {}", paper.number), BODY, false, true);
        }
        self.y += 4.0;
        let label_width = paper
            .head
            .iter()
            .map(|(label, _)| width(label, BODY, true))
            .fold(0.0, f32::max)
            + 4.0;
        let line_height = BODY * 1.35 / PT;
        for (label, text) in &paper.head {
            let room = PAGE_WIDTH - 2.0 * MARGIN - label_width;
            let lines = wrap(text, BODY, false, room);
            self.room(line_height * lines.len() as f32);
            let y = self.y;
            self.text(label, MARGIN, y, BODY, true);
            for (i, line) in lines.iter().enumerate() {
                self.text(
                    line,
                    MARGIN + label_width,
                    y + i as f32 * line_height,
                    BODY,
                    false,
                );
            }
            self.y += line_height * lines.len().max(1) as f32;
        }
        self.y += 3.0;
        if !paper.opening.is_empty() {
            self.paragraph(&paper.opening, BODY, false, false);
            self.y += 3.0;
        }
        if !paper.columns.is_empty() {
            let total: f32 = paper.columns.iter().map(|(_, w)| w).sum();
            let room = PAGE_WIDTH - 2.0 * MARGIN;
            let widths: Vec<f32> = paper
                .columns
                .iter()
                .map(|(_, w)| w / total.max(f32::EPSILON) * room)
                .collect();
            let titles: Vec<String> = paper.columns.iter().map(|(t, _)| t.clone()).collect();
            self.row(&titles, &widths, true);
            self.header = Some((titles, widths.clone()));
            for row in &paper.rows {
                self.row(row, &widths, false);
            }
            self.header = None;
            self.y += 6.0;
        }
        if !paper.place_date.is_empty() {
            self.paragraph(&paper.place_date, BODY, false, false);
            self.y += 2.0;
        }
        self.signatures(&paper.signatures);
    }

    /// The signature blocks, up to three side by side: the role, room to sign, the name.
    fn signatures(&mut self, blocks: &[(String, String)]) {
        let line_height = BODY * 1.35 / PT;
        for group in blocks.chunks(3) {
            let column = (PAGE_WIDTH - 2.0 * MARGIN) / group.len() as f32;
            let roles: Vec<Vec<String>> = group
                .iter()
                .map(|(role, _)| wrap(role, BODY, false, column - 4.0))
                .collect();
            let role_lines = roles.iter().map(Vec::len).max().unwrap_or(1);
            let height = (role_lines + 1) as f32 * line_height + 22.0;
            self.room(height);
            let top = self.y;
            for (i, ((_, name), role)) in group.iter().zip(&roles).enumerate() {
                let centre = MARGIN + column * (i as f32 + 0.5);
                for (j, line) in role.iter().enumerate() {
                    let x = centre - width(line, BODY, false) / 2.0;
                    self.text(line, x, top + j as f32 * line_height, BODY, false);
                }
                let name = if name.is_empty() {
                    "( ........................................ )".to_string()
                } else {
                    format!("( {name} )")
                };
                let x = centre - width(&name, BODY, false) / 2.0;
                self.text(
                    &name,
                    x,
                    top + role_lines as f32 * line_height + 20.0,
                    BODY,
                    false,
                );
            }
            self.y = top + height;
        }
    }

    /// The pages, each numbered "Halaman i dari n" at its foot.
    fn finish(mut self) -> Vec<PdfPage> {
        let count = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        pages
            .into_iter()
            .enumerate()
            .map(|(i, mut ops)| {
                let footer = format!("Halaman {} dari {count}", i + 1);
                let x = PAGE_WIDTH - MARGIN - width(&footer, TABLE, false);
                let baseline = 12.0;
                ops.extend([
                    Op::StartTextSection,
                    Op::SetFont {
                        font: PdfFontHandle::External(self.fonts.regular.clone()),
                        size: Pt(TABLE),
                    },
                    Op::SetTextCursor {
                        pos: Point {
                            x: Mm(x).into(),
                            y: Mm(baseline).into(),
                        },
                    },
                    Op::ShowText {
                        items: vec![TextItem::Text(footer)],
                    },
                    Op::EndTextSection,
                ]);
                PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_inside_its_room_and_keeps_every_word() {
        let text = "Usulan perubahan data berikut, yang telah diverifikasi Dinas Sosial, disahkan";
        let lines = wrap(text, BODY, false, 40.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines.iter().all(|l| width(l, BODY, false) <= 40.0),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
        // A word wider than the room is broken, not lost.
        let long = wrap("3523011203850001", BODY, false, 10.0);
        assert_eq!(long.concat(), "3523011203850001");
    }

    #[test]
    fn a_long_table_runs_over_numbered_pages() {
        let paper = Paper {
            title: "Berita Acara".into(),
            columns: vec![("No.".into(), 1.0), ("Nama".into(), 4.0)],
            rows: (1..=120)
                .map(|i| vec![i.to_string(), format!("Orang {i}")])
                .collect(),
            signatures: vec![("Pimpinan".into(), String::new())],
            ..Paper::default()
        };
        let fonts = Fonts {
            regular: FontId::new(),
            bold: FontId::new(),
        };
        let mut layout = Layout::new(&fonts);
        layout.paper(&paper);
        let pages = layout.finish();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let bytes = render(&paper, 1_796_000_000);
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
