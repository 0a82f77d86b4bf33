//! Page layouts. Firms on one layout share its skeleton, class names and theme assets,
//! as firms on one theme or platform do; they differ in text, images and identity.

use crate::text::Industry;

pub struct Firm {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub email: String,
    pub phone: String,
    pub analytics: String,
    pub layout: usize,
    pub industry: &'static Industry,
    pub has_login: bool,
    pub upload_prefix: String,
}

pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub image: Option<String>,
}

pub struct PageContent {
    pub file: &'static str,
    pub label: &'static str,
    pub sections: Vec<Section>,
}

pub const LAYOUTS: &[&str] = &[
    "corporate",
    "minimal",
    "agency",
    "classic",
    "landing",
    "docs",
    "platform",
];
pub const PLATFORM_NAME: &str = "Shopico";
pub const PLATFORM_DOMAIN: &str = "shopico.com";

const NAV: &[(&str, &str)] = &[
    ("index.html", "Home"),
    ("about.html", "About us"),
    ("services.html", "Services"),
    ("contact.html", "Contact"),
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

fn head(f: &Firm, p: &PageContent, title: &str, css: &[String], extra: &str) -> String {
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta property=\"og:site_name\" content=\"{}\">\n<link rel=\"canonical\" href=\"https://{}/{}\">\n\
         <link rel=\"icon\" href=\"/favicon.ico\">\n",
        esc(title),
        esc(&f.name),
        f.domain,
        p.file
    );
    for c in css {
        h += &format!("<link rel=\"stylesheet\" href=\"{c}\">\n");
    }
    h += &format!(
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id={0}\"></script>\n\
         <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','{0}');</script>\n{extra}</head>\n",
        f.analytics
    );
    h
}

fn login_form(f: &Firm, class: &str) -> String {
    format!(
        "<form class=\"{class}\" action=\"https://portal.{}/session\" method=\"post\"><label>Email <input type=\"email\" name=\"email\"></label>\
         <label>Password <input type=\"password\" name=\"password\"></label><button type=\"submit\">Sign in</button>\
         <a href=\"https://portal.{}/reset\">Forgotten your password?</a></form>",
        f.domain, f.domain
    )
}

fn footer_text(f: &Firm) -> String {
    format!(
        "<p>{} &middot; <a href=\"mailto:{}\">{}</a> &middot; <a href=\"tel:{}\">{}</a></p><p>&copy; 2024 {} Ltd. All rights reserved.</p>",
        esc(&f.name),
        f.email,
        f.email,
        f.phone.replace(' ', ""),
        f.phone,
        esc(&f.name)
    )
}

fn paragraphs(s: &Section, class: &str) -> String {
    s.paragraphs
        .iter()
        .map(|t| format!("<p class=\"{class}\">{}</p>", esc(t)))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn render(f: &Firm, p: &PageContent) -> String {
    match f.layout {
        0 => corporate(f, p),
        1 => minimal(f, p),
        2 => agency(f, p),
        3 => classic(f, p),
        4 => landing(f, p),
        5 => docs(f, p),
        _ => platform(f, p),
    }
}

fn corporate(f: &Firm, p: &PageContent) -> String {
    let css = [
        "/themes/corporate/css/bootstrap.min.css".into(),
        "/themes/corporate/css/style.css?ver=4.2".into(),
    ];
    let mut h = head(f, p, &format!("{} | {}", p.label, f.name), &css, "");
    h += "<body class=\"page-template\">\n<header class=\"site-header\"><nav class=\"navbar navbar-expand-lg navbar-light\"><div class=\"container\">";
    h += &format!(
        "<a class=\"navbar-brand\" href=\"index.html\"><img src=\"{}/logo.png\" alt=\"{} logo\" height=\"40\"></a><ul class=\"navbar-nav\">",
        f.upload_prefix,
        esc(&f.name)
    );
    for (href, label) in NAV {
        h += &format!(
            "<li class=\"nav-item\"><a class=\"nav-link\" href=\"{href}\">{label}</a></li>"
        );
    }
    h += "</ul></div></nav></header>\n<main id=\"content\">\n";
    for (i, s) in p.sections.iter().enumerate() {
        h += &format!(
            "<section class=\"section section-{i} py-5\"><div class=\"container\"><div class=\"row\"><div class=\"col-md-8\"><h2 class=\"section-title\">{}</h2>\n{}\n</div>",
            esc(&s.heading),
            paragraphs(s, "lead")
        );
        if let Some(img) = &s.image {
            h += &format!(
                "<div class=\"col-md-4\"><img class=\"img-fluid rounded\" src=\"{img}\" alt=\"\"></div>"
            );
        }
        h += "</div></div></section>\n";
    }
    if p.file == "login.html" {
        h += &format!(
            "<section class=\"section login\"><div class=\"container\">{}</div></section>",
            login_form(f, "form-signin")
        );
    }
    h += &format!(
        "</main>\n<footer class=\"site-footer\"><div class=\"container\">{}</div></footer>\n<script src=\"/themes/corporate/js/bootstrap.bundle.min.js\"></script>\n</body>\n</html>\n",
        footer_text(f)
    );
    h
}

fn minimal(f: &Firm, p: &PageContent) -> String {
    let mut h = head(
        f,
        p,
        &format!("{} - {}", f.name, p.label),
        &["/static/css/minimal.css".into()],
        "",
    );
    h += &format!(
        "<body>\n<header><h1 class=\"brand\">{}</h1><nav>",
        esc(&f.name)
    );
    for (href, label) in NAV {
        h += &format!("<a href=\"{href}\">{label}</a> ");
    }
    h += "</nav></header>\n<main><article>\n";
    for s in &p.sections {
        h += &format!("<h2>{}</h2>\n{}\n", esc(&s.heading), paragraphs(s, "text"));
        if let Some(img) = &s.image {
            h += &format!(
                "<figure><img src=\"{img}\" alt=\"{}\"></figure>\n",
                esc(&s.heading)
            );
        }
    }
    if p.file == "login.html" {
        h += &login_form(f, "login");
    }
    h += &format!(
        "</article></main>\n<footer>{}</footer>\n</body>\n</html>\n",
        footer_text(f)
    );
    h
}

fn agency(f: &Firm, p: &PageContent) -> String {
    let css = [
        "/wp-content/themes/agencia/style.css?ver=2.1".into(),
        "/wp-includes/css/dist/block-library/style.min.css".into(),
    ];
    let mut h = head(
        f,
        p,
        &format!("{} &#8211; {}", p.label, f.name),
        &css,
        "<meta name=\"generator\" content=\"WordPress 6.4\">\n",
    );
    h += "<body class=\"wp-site\"><div id=\"page\" class=\"site\"><div class=\"site-branding\">";
    h += &format!(
        "<p class=\"site-title\"><a href=\"index.html\" rel=\"home\">{}</a></p></div><nav id=\"site-navigation\" class=\"main-navigation\"><div class=\"menu-main-container\"><ul id=\"primary-menu\" class=\"menu\">",
        esc(&f.name)
    );
    for (href, label) in NAV {
        h += &format!("<li class=\"menu-item\"><a href=\"{href}\">{label}</a></li>");
    }
    h +=
        "</ul></div></nav><div id=\"content\" class=\"site-content\"><div class=\"grid grid-3\">\n";
    for s in &p.sections {
        h += "<div class=\"card\"><div class=\"card-inner\">";
        if let Some(img) = &s.image {
            h += &format!("<img class=\"wp-post-image\" src=\"{img}\" alt=\"\">");
        }
        h += &format!(
            "<h3 class=\"card-title\">{}</h3>{}</div></div>\n",
            esc(&s.heading),
            paragraphs(s, "card-text")
        );
    }
    if p.file == "login.html" {
        h += &login_form(f, "wp-login");
    }
    h += &format!(
        "</div></div><footer id=\"colophon\" class=\"site-footer\"><div class=\"site-info\">{}</div></footer></div>\n<script src=\"/wp-content/themes/agencia/js/navigation.js?ver=2.1\"></script>\n</body>\n</html>\n",
        footer_text(f)
    );
    h
}

fn classic(f: &Firm, p: &PageContent) -> String {
    let mut h = head(
        f,
        p,
        &format!("{} :: {}", f.name, p.label),
        &["/css/styles.css".into()],
        "",
    );
    h += "<body bgcolor=\"#ffffff\"><table width=\"800\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" align=\"center\">";
    h += &format!(
        "<tr><td colspan=\"2\" class=\"banner\"><img src=\"/images/banner.jpg\" alt=\"{}\" width=\"800\"></td></tr><tr><td class=\"menu\" valign=\"top\" width=\"180\">",
        esc(&f.name)
    );
    for (href, label) in NAV {
        h += &format!("<a href=\"{href}\" class=\"menulink\">{label}</a><br>");
    }
    h += "<img src=\"/images/spacer.gif\" width=\"1\" height=\"20\"></td><td class=\"body\" valign=\"top\">\n";
    for s in &p.sections {
        h += &format!(
            "<h3><font face=\"Arial\">{}</font></h3>\n{}\n",
            esc(&s.heading),
            paragraphs(s, "bodytext")
        );
        if let Some(img) = &s.image {
            h += &format!("<img src=\"{img}\" align=\"right\" hspace=\"8\">");
        }
    }
    if p.file == "login.html" {
        h += &login_form(f, "loginbox");
    }
    h += &format!(
        "</td></tr><tr><td colspan=\"2\" class=\"footer\">{}</td></tr></table></body></html>\n",
        footer_text(f)
    );
    h
}

fn landing(f: &Firm, p: &PageContent) -> String {
    let css = ["/_next/static/css/7c1f0a2b.css".into()];
    let mut h = head(
        f,
        p,
        &format!("{} — {}", f.name, p.label),
        &css,
        "<link rel=\"preload\" href=\"/_next/static/chunks/main-3f2a.js\" as=\"script\">\n",
    );
    h += "<body><div id=\"__next\"><div class=\"min-h-screen bg-white\"><header class=\"flex items-center justify-between px-8 py-4\">";
    h += &format!(
        "<span class=\"text-xl font-bold\">{}</span><nav class=\"flex gap-6\">",
        esc(&f.name)
    );
    for (href, label) in NAV {
        h += &format!("<a class=\"text-gray-700 hover:text-black\" href=\"{href}\">{label}</a>");
    }
    h += "</nav></header>\n";
    for (i, s) in p.sections.iter().enumerate() {
        let cls = if i == 0 {
            "hero bg-gradient-to-r from-indigo-600 to-blue-500 text-white py-24"
        } else {
            "py-16 px-8 max-w-5xl mx-auto"
        };
        h += &format!(
            "<div class=\"{cls}\"><h2 class=\"text-3xl font-semibold mb-4\">{}</h2><div class=\"space-y-4\">{}</div>",
            esc(&s.heading),
            paragraphs(s, "text-lg leading-relaxed")
        );
        if let Some(img) = &s.image {
            h += &format!(
                "<img class=\"rounded-xl shadow-lg mt-6\" src=\"{img}\" alt=\"\" loading=\"lazy\">"
            );
        }
        h += "</div>\n";
    }
    if p.file == "login.html" {
        h += &login_form(f, "max-w-sm mx-auto space-y-3");
    }
    h += &format!(
        "<footer class=\"border-t px-8 py-6 text-sm text-gray-500\">{}</footer></div></div>\n<script src=\"/_next/static/chunks/main-3f2a.js\" defer></script></body></html>\n",
        footer_text(f)
    );
    h
}

fn docs(f: &Firm, p: &PageContent) -> String {
    let mut h = head(
        f,
        p,
        &format!("{} · {} Help Centre", p.label, f.name),
        &["/assets/docs.css".into(), "/assets/highlight.css".into()],
        "",
    );
    h += "<body class=\"docs\"><div class=\"wrapper\"><aside class=\"sidebar\"><div class=\"sidebar-header\">";
    h += &format!(
        "<img src=\"{}/mark.svg\" alt=\"{}\" class=\"logo\"></div><ul class=\"toc\">",
        f.upload_prefix,
        esc(&f.name)
    );
    for (href, label) in NAV {
        h += &format!("<li class=\"toc-entry\"><a href=\"{href}\">{label}</a></li>");
    }
    h += "</ul></aside><div class=\"content\"><div class=\"markdown-body\">\n";
    for s in &p.sections {
        h += &format!(
            "<h2 id=\"{}\">{}</h2>\n{}\n",
            s.heading.to_lowercase().replace(' ', "-"),
            esc(&s.heading),
            paragraphs(s, "md")
        );
        if let Some(img) = &s.image {
            h += &format!("<p><img src=\"{img}\" alt=\"diagram\"></p>");
        }
    }
    if p.file == "login.html" {
        h += &login_form(f, "auth-form");
    }
    h += &format!(
        "</div><div class=\"docs-footer\">{}</div></div></div><script src=\"/assets/search.js\"></script></body></html>\n",
        footer_text(f)
    );
    h
}

fn platform(f: &Firm, p: &PageContent) -> String {
    let store = &f.upload_prefix;
    let css = [
        format!("https://cdn.{PLATFORM_DOMAIN}/s/files/{store}/t/4/assets/theme.css"),
        format!("https://cdn.{PLATFORM_DOMAIN}/shopifront/base.css"),
    ];
    let mut h = head(
        f,
        p,
        &format!("{} – {}", p.label, f.name),
        &css,
        &format!("<meta name=\"generator\" content=\"{PLATFORM_NAME} Storefront\">\n"),
    );
    h += &format!(
        "<body class=\"template-page\"><div class=\"announcement-bar\">Free delivery on orders over £50</div><header class=\"site-header\"><a class=\"site-header__logo\" href=\"index.html\"><img src=\"https://cdn.{PLATFORM_DOMAIN}/s/files/{store}/files/logo.png\" alt=\"{}\"></a><nav class=\"site-nav\">",
        esc(&f.name)
    );
    for (href, label) in NAV {
        h += &format!("<a class=\"site-nav__link\" href=\"{href}\">{label}</a>");
    }
    h += "</nav></header><main class=\"main-content\" role=\"main\">\n";
    for s in &p.sections {
        h += &format!(
            "<div class=\"shopify-section rich-text\"><h2 class=\"h2\">{}</h2><div class=\"rte\">{}</div>",
            esc(&s.heading),
            paragraphs(s, "rte__text")
        );
        if let Some(img) = &s.image {
            h += &format!(
                "<img class=\"feature-row__image\" src=\"https://cdn.{PLATFORM_DOMAIN}/s/files/{store}{img}\" alt=\"\">"
            );
        }
        h += "</div>\n";
    }
    if p.file == "login.html" {
        h += &login_form(f, "customer-login");
    }
    h += &format!(
        "</main><footer class=\"site-footer\">{}<p class=\"powered\"><a href=\"https://www.{PLATFORM_DOMAIN}/?ref=store\" rel=\"nofollow\">Powered by {PLATFORM_NAME}</a></p></footer>\n<script src=\"https://cdn.{PLATFORM_DOMAIN}/shopifront/storefront.js\"></script></body></html>\n",
        footer_text(f)
    );
    h
}

/// A phishing kit's login page keeping the brand: its name, logo text, links to its
/// domain; a kit layout of its own; the form posts to the kit.
pub fn phishing(f: &Firm, style: usize, keep_brand_css: bool) -> String {
    let (title, heading, action) = match style % 3 {
        0 => (
            format!("{} - Sign in", f.name),
            format!("Sign in to {}", f.name),
            "login.php",
        ),
        1 => (
            format!("Log in | {}", f.name),
            format!("{} account", f.name),
            "post.php",
        ),
        _ => (
            format!("{} Client Portal", f.name),
            "Verify your identity".to_owned(),
            "next.php",
        ),
    };
    let css = if keep_brand_css {
        format!(
            "<link rel=\"stylesheet\" href=\"https://{}/themes/shared/portal.css\">",
            f.domain
        )
    } else {
        "<link rel=\"stylesheet\" href=\"files/style.css\">".to_owned()
    };
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title>{css}<link rel=\"icon\" href=\"favicon.ico\">\
         <meta name=\"robots\" content=\"noindex\"></head><body><div class=\"login-wrap\"><div class=\"login-box\">\
         <img src=\"files/logo.png\" alt=\"{}\" class=\"brand-logo\"><h1>{}</h1><p>Please enter your details to continue.</p>\
         <form method=\"post\" action=\"{action}\"><input type=\"text\" name=\"user\" placeholder=\"Email address\">\
         <input type=\"password\" name=\"pass\" placeholder=\"Password\"><button type=\"submit\">Continue</button></form>\
         <p class=\"links\"><a href=\"https://{}/reset\">Forgot password?</a> · <a href=\"https://{}/privacy\">Privacy</a></p>\
         </div><p class=\"copy\">&copy; 2024 {}</p></div></body></html>\n",
        esc(&title),
        esc(&f.name),
        esc(&heading),
        f.domain,
        f.domain,
        esc(&f.name)
    )
}

/// A trade-news article naming a firm: a mention, not a copy.
pub fn news(brand: &Firm, publication: &str, body: &[String], brand_in_title: bool) -> String {
    let title = if brand_in_title {
        format!("{} opens a new office | {publication}", brand.name)
    } else {
        format!("Sector round-up: a busy quarter | {publication}")
    };
    let paras: String = body.iter().map(|p| format!("<p>{}</p>", esc(p))).collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title><meta property=\"og:site_name\" content=\"{publication}\">\
         <link rel=\"stylesheet\" href=\"/css/news.css\"></head><body><header class=\"masthead\"><a href=\"/\">{publication}</a></header>\
         <article class=\"story\"><h1>{}</h1>{paras}<p>More at <a href=\"https://{}/\">{}</a>.</p></article>\
         <footer><p>&copy; 2024 {publication} Media Ltd.</p></footer></body></html>\n",
        esc(&title),
        esc(title.split(" | ").next().unwrap_or("")),
        brand.domain,
        brand.domain
    )
}
