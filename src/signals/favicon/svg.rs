//! SVG icons: rendered with resvg, after a linear count of what their `<use>`
//! references would expand to (a reference bomb is refused before usvg builds it).

use image::RgbaImage;

use crate::{Error, Limits, Result};

/// Side of the square an SVG icon is rendered at before hashing.
const SVG_SIDE: u32 = 64;

/// Counts the elements an SVG would have with every `<use>` expanded, without expanding
/// it: each element's expanded size is computed once (so a reference bomb, where each
/// level uses the one below ten times, is counted in linear time and refused before
/// usvg builds it). A `<use>` cycle counts as too large.
fn svg_expanded_elements(bytes: &[u8]) -> Result<u64> {
    use std::collections::HashMap;
    let text =
        std::str::from_utf8(bytes).map_err(|e| Error::Favicon(format!("SVG is not UTF-8: {e}")))?;
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| Error::Favicon(format!("cannot parse SVG: {e}")))?;
    let by_id: HashMap<&str, roxmltree::NodeId> = doc
        .descendants()
        .filter_map(|n| n.attribute("id").map(|id| (id, n.id())))
        .collect();
    // Post-order over elements, children before parents; `use` targets resolved from
    // the memo, or computed on demand with a cycle guard.
    let mut memo: HashMap<roxmltree::NodeId, u64> = HashMap::new();
    let mut visiting: Vec<roxmltree::NodeId> = Vec::new();
    fn size(
        node: roxmltree::Node,
        by_id: &HashMap<&str, roxmltree::NodeId>,
        memo: &mut HashMap<roxmltree::NodeId, u64>,
        visiting: &mut Vec<roxmltree::NodeId>,
        doc: &roxmltree::Document,
    ) -> u64 {
        if let Some(&n) = memo.get(&node.id()) {
            return n;
        }
        // roxmltree bounds nesting depth, so this recursion is bounded too.
        if visiting.contains(&node.id()) || visiting.len() > 1024 {
            return u64::MAX;
        }
        visiting.push(node.id());
        let mut total: u64 = 1;
        for child in node.children().filter(|c| c.is_element()) {
            total = total.saturating_add(size(child, by_id, memo, visiting, doc));
        }
        if node.tag_name().name() == "use" {
            let href = node
                .attribute(("http://www.w3.org/1999/xlink", "href"))
                .or_else(|| node.attribute("href"))
                .unwrap_or("");
            if let Some(target) = href
                .strip_prefix('#')
                .and_then(|id| by_id.get(id))
                .and_then(|&id| doc.get_node(id))
            {
                total = total.saturating_add(size(target, by_id, memo, visiting, doc));
            }
        }
        visiting.pop();
        memo.insert(node.id(), total);
        total
    }
    Ok(size(
        doc.root_element(),
        &by_id,
        &mut memo,
        &mut visiting,
        &doc,
    ))
}

/// Renders an SVG icon at [`SVG_SIDE`]² with resvg: no fonts (results must not depend on
/// the machine) and no images of any kind: usvg's default resolver would open any path
/// an `<image href>` or `<feImage href>` names (`/etc/passwd`, `/dev/zero`, a FIFO) and
/// would parse nested SVGs from `data:` URIs past our `<use>` expansion count. An icon is
/// judged by what it draws itself.
pub(super) fn render_svg(bytes: &[u8], limits: &Limits) -> Result<RgbaImage> {
    let expanded = svg_expanded_elements(bytes)?;
    if expanded > limits.max_svg_elements {
        return Err(Error::Favicon(format!(
            "SVG expands to more than {} elements through <use> references",
            limits.max_svg_elements
        )));
    }
    let options = resvg::usvg::Options {
        resources_dir: None,
        image_href_resolver: resvg::usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_data(bytes, &options)
        .map_err(|e| Error::Favicon(format!("cannot parse SVG: {e}")))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(SVG_SIDE, SVG_SIDE)
        .ok_or_else(|| Error::Favicon("cannot allocate".into()))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    let size = tree.size();
    let scale = SVG_SIDE as f32 / size.width().max(size.height()).max(f32::EPSILON);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    RgbaImage::from_raw(SVG_SIDE, SVG_SIDE, pixmap.take())
        .ok_or_else(|| Error::Favicon("bad SVG raster".into()))
}
