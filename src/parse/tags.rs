//! The HTML standard's tag tables the light element stack needs: void elements, what
//! closes a `<p>`, headings, blocks, and the common implied end tags.

use html5ever::{LocalName, local_name};

pub(super) fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
            | local_name!("param")
            | local_name!("keygen")
    )
}

/// Start tags that close an open `<p>` (the HTML standard's list, abridged).
pub(super) fn closes_p(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("header")
            | local_name!("hr")
            | local_name!("main")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("section")
            | local_name!("table")
            | local_name!("ul")
            | local_name!("figure")
    )
}

pub(super) fn is_heading(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

pub(super) fn is_block(name: &LocalName) -> bool {
    closes_p(name)
        || matches!(
            *name,
            local_name!("li") | local_name!("br") | local_name!("td") | local_name!("tr")
        )
}

/// Which open elements a start tag implicitly closes, besides `<p>`.
pub(super) fn implied_close(new: &LocalName, top: &LocalName) -> bool {
    match *new {
        local_name!("li") => *top == local_name!("li"),
        local_name!("dt") | local_name!("dd") => {
            matches!(*top, local_name!("dt") | local_name!("dd"))
        }
        local_name!("option") => *top == local_name!("option"),
        local_name!("optgroup") => {
            matches!(*top, local_name!("option") | local_name!("optgroup"))
        }
        local_name!("tr") => matches!(
            *top,
            local_name!("td") | local_name!("th") | local_name!("tr")
        ),
        local_name!("td") | local_name!("th") => {
            matches!(*top, local_name!("td") | local_name!("th"))
        }
        _ => is_heading(new) && is_heading(top),
    }
}
