//! Charts drawn on the server as SVG, inline in the page: readable without JavaScript, printable,
//! and the same for every browser. Two shapes cover the reports: bars across (one per region,
//! long names fit) and columns up (desil 1–10, periods over time). Several series stack; every
//! bar carries a `<title>` with its exact figure, and the table under each chart holds the same
//! numbers for screen readers and copying.

use std::fmt::Write;

/// One named series of values, one value per category.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<u64>,
}

/// Which way the bars run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One horizontal bar per category, labels on the left.
    Bars,
    /// One vertical column per category, labels underneath.
    Columns,
}

/// A chart's data: categories, and one or more series stacked on each category.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub shape: Shape,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// Colours with enough contrast between neighbours and against white, one per series: the
/// workflow's stages are the most series a chart has (twelve).
const PALETTE: [&str; 12] = [
    "#1f5f8b", "#e08a1e", "#3a8f4a", "#b8433a", "#7559a6", "#7d5a3c", "#c0568f", "#5f6b73",
    "#17a2b8", "#a6a825", "#0b3d91", "#e377c2",
];

/// The colour of the `i`th series: the palette's, then hues spread by the golden angle so that
/// even a chart with more series never shows two alike.
fn colour(i: usize) -> String {
    match PALETTE.get(i) {
        Some(c) => (*c).to_string(),
        None => format!("hsl({:.0},55%,42%)", (i as f64 * 137.508) % 360.0),
    }
}

pub use siks_domain::show::count as grouped;

/// Text made safe inside SVG elements and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The top of the value axis: the largest stack rounded up to two significant digits, so the
/// longest bar nearly fills the plot.
fn axis_top(largest: u64) -> u64 {
    if largest == 0 {
        return 1;
    }
    let digits = largest.ilog10();
    if digits < 2 {
        return largest;
    }
    let unit = 10u64.pow(digits - 1);
    largest.div_ceil(unit).checked_mul(unit).unwrap_or(largest)
}

impl Chart {
    fn stack(&self, category: usize) -> u64 {
        self.series
            .iter()
            .map(|s| s.values.get(category).copied().unwrap_or(0))
            .sum()
    }

    /// The chart and, when it has more than one series, its legend as HTML under it: a legend
    /// inside the drawing would be clipped as soon as the names outgrow its width.
    pub fn figure(&self) -> String {
        let mut out = self.svg();
        if self.series.len() > 1 {
            out.push_str(r#"<ul class="legenda">"#);
            for (i, s) in self.series.iter().enumerate() {
                let _ = write!(
                    out,
                    r#"<li><span class="warna" style="background:{}"></span>{}</li>"#,
                    colour(i),
                    escape(&s.name)
                );
            }
            out.push_str("</ul>");
        }
        out
    }

    /// The chart as one `<svg>` element.
    pub fn svg(&self) -> String {
        let top = axis_top(
            (0..self.categories.len())
                .map(|c| self.stack(c))
                .max()
                .unwrap_or(0),
        );
        let legend_height = 0.0;
        let mut body = String::new();
        let (width, height) = match self.shape {
            Shape::Bars => self.bars(&mut body, top, legend_height),
            Shape::Columns => self.columns(&mut body, top, legend_height),
        };
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="grafik" role="img" viewBox="0 0 {width:.0} {height:.0}" width="100%" style="max-width:{width:.0}px" font-family="sans-serif" font-size="12"><title>{}</title>"#,
            escape(&self.title)
        );
        svg.push_str(&body);
        svg.push_str("</svg>");
        svg
    }

    /// One bar per category; returns the drawing's size.
    fn bars(&self, out: &mut String, top: u64, legend: f64) -> (f64, f64) {
        let label_width = 180.0;
        let plot = 480.0;
        let row = 22.0;
        let width = label_width + plot + 90.0;
        let height = legend + row * self.categories.len().max(1) as f64 + 8.0;
        for (c, category) in self.categories.iter().enumerate() {
            let y = legend + row * c as f64 + 4.0;
            let short: String = category.chars().take(26).collect();
            let _ = write!(
                out,
                r#"<text x="{:.0}" y="{:.0}" text-anchor="end">{}</text>"#,
                label_width - 6.0,
                y + 13.0,
                escape(&short)
            );
            let mut x = label_width;
            for (i, s) in self.series.iter().enumerate() {
                let v = s.values.get(c).copied().unwrap_or(0);
                let w = plot * v as f64 / top as f64;
                if v > 0 {
                    let _ = write!(
                        out,
                        r#"<rect x="{x:.1}" y="{y:.0}" width="{w:.1}" height="{:.0}" fill="{}"><title>{}: {}: {}</title></rect>"#,
                        row - 6.0,
                        colour(i),
                        escape(category),
                        escape(&s.name),
                        grouped(v)
                    );
                }
                x += w;
            }
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{:.0}" fill="#333">{}</text>"##,
                x + 4.0,
                y + 13.0,
                grouped(self.stack(c))
            );
        }
        (width, height)
    }

    /// One column per category; returns the drawing's size.
    fn columns(&self, out: &mut String, top: u64, legend: f64) -> (f64, f64) {
        let plot_height = 200.0;
        let column = 56.0;
        let left = 8.0;
        let width = left * 2.0 + column * self.categories.len().max(1) as f64;
        let value_row = 16.0;
        let base = legend + value_row + plot_height;
        let height = base + 22.0;
        let _ = write!(
            out,
            "<line x1=\"{left:.0}\" y1=\"{base:.0}\" x2=\"{:.0}\" y2=\"{base:.0}\" stroke=\"#999\"/>",
            width - left
        );
        for (c, category) in self.categories.iter().enumerate() {
            let x = left + column * c as f64 + 6.0;
            let mut y = base;
            for (i, s) in self.series.iter().enumerate() {
                let v = s.values.get(c).copied().unwrap_or(0);
                let h = plot_height * v as f64 / top as f64;
                y -= h;
                if v > 0 {
                    let _ = write!(
                        out,
                        r#"<rect x="{x:.0}" y="{y:.1}" width="{:.0}" height="{h:.1}" fill="{}"><title>{}: {}: {}</title></rect>"#,
                        column - 12.0,
                        colour(i),
                        escape(category),
                        escape(&s.name),
                        grouped(v)
                    );
                }
            }
            let middle = x + (column - 12.0) / 2.0;
            let _ = write!(
                out,
                r##"<text x="{middle:.0}" y="{:.1}" text-anchor="middle" font-size="10" fill="#333">{}</text><text x="{middle:.0}" y="{:.0}" text-anchor="middle">{}</text>"##,
                y - 4.0,
                grouped(self.stack(c)),
                base + 15.0,
                escape(category)
            );
        }
        (width, height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(shape: Shape) -> Chart {
        Chart {
            title: "Rumah tangga <aktif>".into(),
            shape,
            categories: vec!["Kab. A & B".into(), "Kota C".into()],
            series: vec![
                Series {
                    name: "Aktif".into(),
                    values: vec![1500, 0],
                },
                Series {
                    name: "Usulan".into(),
                    values: vec![500, 250],
                },
            ],
        }
    }

    #[test]
    fn the_axis_ends_at_two_significant_digits_at_or_above_the_largest_stack() {
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(7), 7);
        assert_eq!(axis_top(99), 99);
        assert_eq!(axis_top(2000), 2000);
        assert_eq!(axis_top(2001), 2100);
        assert_eq!(axis_top(20_013), 21_000);
        assert_eq!(axis_top(u64::MAX), u64::MAX);
    }

    #[test]
    fn every_shape_escapes_text_and_draws_one_rect_per_nonzero_value() {
        for shape in [Shape::Bars, Shape::Columns] {
            let svg = chart(shape).svg();
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains("Rumah tangga &lt;aktif&gt;"), "{svg}");
            assert!(svg.contains("Kab. A &amp; B: Aktif: 1.500"), "{svg}");
            assert!(
                !svg.contains("Kota C: Aktif"),
                "a zero draws nothing: {svg}"
            );
            // Three bars; the legend is under the drawing, one swatch per series, each its own
            // colour.
            assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
            let figure = chart(shape).figure();
            assert!(figure.starts_with(&svg), "{figure}");
            assert_eq!(figure.matches(r#"<span class="warna""#).count(), 2);
            assert!(figure.contains(">Usulan</li>"), "{figure}");
            // The stack's total is written beside it.
            assert!(svg.contains(">2.000</text>"), "{svg}");
        }
    }

    #[test]
    fn no_two_series_share_a_colour() {
        let colours: std::collections::HashSet<String> = (0..40).map(colour).collect();
        assert_eq!(colours.len(), 40);
    }

    #[test]
    fn the_longest_bar_fills_the_plot_when_the_axis_top_equals_it() {
        let svg = Chart {
            title: "t".into(),
            shape: Shape::Bars,
            categories: vec!["a".into(), "b".into()],
            series: vec![Series {
                name: "s".into(),
                values: vec![1000, 500],
            }],
        }
        .svg();
        assert!(svg.contains(r#"width="480.0""#), "{svg}");
        assert!(svg.contains(r#"width="240.0""#), "{svg}");
    }
}
