//! The tokenizer pass on small pages.

use super::attrs::flag_words;
use super::*;

fn run(html: &str) -> Extract {
    extract(html, &Limits::default(), 64).0
}

#[test]
fn visible_text_and_zones() {
    let e = run(
        "<html><head><title>Acme | Home</title><script>var x='hidden';</script>\
        <style>p{}</style></head><body><h1>Welcome</h1><p>Hello <b>world</b></p>\
        <template><p>not shown</p></template><footer>© 2024 Acme Inc.</footer>\
        <button>Sign in</button><img alt='Acme logo' src='/img/logo.png'></body></html>",
    );
    assert_eq!(e.title, "Acme | Home");
    assert!(e.body.contains("Hello world"), "{:?}", e.body);
    assert!(!e.body.contains("hidden") && !e.body.contains("not shown"));
    assert!(e.headings.contains("Welcome"));
    assert!(e.footer.contains("© 2024 Acme Inc."));
    assert!(e.prominent.contains("Sign in") && e.prominent.contains("Acme logo"));
    assert!(e.script.contains("var x"));
    assert_eq!(e.resources, vec!["/img/logo.png"]);
}

#[test]
fn attributes_are_collected() {
    let e = run(
        "<meta property='og:site_name' content='Acme'><link rel=canonical href='https://acme.com/'>\
        <link rel='shortcut icon' href='/favicon.ico'><a href='https://acme.com/about'>x</a>\
        <form action='/login.php'><input type=password></form>",
    );
    assert_eq!(
        e.metas,
        vec![("og:site_name".to_owned(), "Acme".to_owned())]
    );
    assert_eq!(e.links.len(), 2);
    assert_eq!(e.anchors, vec!["https://acme.com/about"]);
    assert_eq!(e.form_actions, vec!["/login.php"]);
    assert_eq!(e.password_inputs, 1);
}

#[test]
fn class_words_flag_elements() {
    let cases = [
        ("site-Logo", F_LOGO),
        ("navbar-brand x", F_LOGO),
        ("page-header", F_HEADER),
        ("Footer copyright", F_FOOTER),
        ("logo header", F_LOGO | F_HEADER),
        ("log head foot", 0),
        ("", 0),
    ];
    for (value, want) in cases {
        assert_eq!(flag_words(value), want, "{value}");
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let html = "<div>".repeat(200_000);
    let limits = Limits::default().with_max_depth(100);
    let (e, _) = extract(&html, &limits, 64);
    assert!(e.truncated);
    assert_eq!(e.tags, 200_000);
}

#[test]
fn tag_limit_stops_reading() {
    let limits = Limits::default().with_max_tags(10);
    let (e, _) = extract(&"<span>x</span>".repeat(100), &limits, 64);
    assert!(e.truncated);
    assert_eq!(e.tags, 11);
}

/// `<style>` text is read straight from the input (`fast_raw`); it must end where the
/// tokenizer's RAWTEXT state ends it and read as the tokenizer hands text on.
#[test]
fn raw_text_ends_where_the_standard_ends_it() {
    let cases = [
        ("<style>a{}</style><p>x", "a{}"),
        ("<style>a{}</STYLE ><p>x", "a{}"),
        ("<style>a{}</style/><p>x", "a{}"),
        ("<style>a</styles>b</style>", "a</styles>b"),
        ("<style>a\r\nb\rc\0d</style>", "a\nb\nc\u{FFFD}d"),
        ("<style>never closed</style", "never closed</style"),
        ("<style>x</style\r>y", "x"),
    ];
    for (html, want) in cases {
        assert_eq!(run(html).style_text, want, "{html:?}");
    }
    // What follows the raw text is tokenized again: tags, text and the stack.
    let after = run("<style><p>not a tag</style><h1>Acme</h1>");
    assert!(after.headings.contains("Acme"));
    assert!(!after.body.contains("not a tag"));
    // Ignored raw text stays out of the visible text.
    assert!(!run("<noscript><b>enable JS</b></noscript><p>hi").body.contains("enable"));
}
