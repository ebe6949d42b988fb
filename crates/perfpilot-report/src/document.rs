//! The human view of a result: a document of sections holding tables, facts and notes.

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left-aligned (text).
    Left,
    /// Right-aligned (numbers).
    Right,
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Header text.
    pub name: String,
    /// Alignment of the cells.
    pub align: Align,
}

/// A table row with a stable id (the same id the JSON result uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Stable row id.
    pub id: String,
    /// One cell per column, already formatted.
    pub cells: Vec<String>,
}

/// A table. Rows keep the order they were pushed in (deterministic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Stable table id (used as an anchor and for tests).
    pub id: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows.
    pub rows: Vec<Row>,
    /// A note printed under the table, e.g. "12 rows under 1.0% hidden".
    pub footnote: Option<String>,
}

impl Table {
    /// A table with the given column names. Columns whose name starts with a digit-ish
    /// unit hint are not special: set alignment with [`Table::right`].
    pub fn new<I, S>(id: &str, columns: I) -> Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            id: id.to_string(),
            columns: columns
                .into_iter()
                .map(|c| Column { name: c.into(), align: Align::Left })
                .collect(),
            rows: Vec::new(),
            footnote: None,
        }
    }

    /// Right-align the named columns (numbers). Unknown names are ignored.
    pub fn right(mut self, names: &[&str]) -> Table {
        for c in &mut self.columns {
            if names.contains(&c.name.as_str()) {
                c.align = Align::Right;
            }
        }
        self
    }

    /// Append a row. Missing cells are padded with empty strings, extra cells dropped.
    pub fn push_row<I, S>(&mut self, id: impl Into<String>, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut cells: Vec<String> = cells.into_iter().map(Into::into).collect();
        cells.resize(self.columns.len(), String::new());
        self.rows.push(Row { id: id.into(), cells });
    }

    /// Set the footnote.
    pub fn with_footnote(mut self, note: impl Into<String>) -> Table {
        self.footnote = Some(note.into());
        self
    }
}

/// One block inside a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A table.
    Table(Table),
    /// Key/value facts, rendered as a two-column list.
    Facts(Vec<(String, String)>),
    /// A paragraph of text.
    Text(String),
    /// A bulleted list.
    List(Vec<String>),
}

/// A titled section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Section title.
    pub title: String,
    /// Blocks in order.
    pub blocks: Vec<Block>,
}

impl Section {
    /// An empty section.
    pub fn new(title: impl Into<String>) -> Section {
        Section { title: title.into(), blocks: Vec::new() }
    }

    /// Add a table.
    pub fn with_table(mut self, t: Table) -> Section {
        self.blocks.push(Block::Table(t));
        self
    }

    /// Add facts.
    pub fn with_facts<I, K, V>(mut self, facts: I) -> Section
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.blocks
            .push(Block::Facts(facts.into_iter().map(|(k, v)| (k.into(), v.into())).collect()));
        self
    }

    /// Add a paragraph.
    pub fn with_text(mut self, text: impl Into<String>) -> Section {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    /// Add a bulleted list.
    pub fn with_list<I, S>(mut self, items: I) -> Section
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.blocks.push(Block::List(items.into_iter().map(Into::into).collect()));
        self
    }
}

/// A whole document: a title, header facts and sections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// Title line.
    pub title: String,
    /// Header facts (inputs, framework, model, …) shown first.
    pub header: Vec<(String, String)>,
    /// Sections in order.
    pub sections: Vec<Section>,
}

impl Document {
    /// A document with a title.
    pub fn new(title: impl Into<String>) -> Document {
        Document { title: title.into(), header: Vec::new(), sections: Vec::new() }
    }

    /// Add a header fact.
    pub fn with_fact(mut self, key: impl Into<String>, value: impl Into<String>) -> Document {
        self.header.push((key.into(), value.into()));
        self
    }

    /// Add a section.
    pub fn with_section(mut self, s: Section) -> Document {
        self.sections.push(s);
        self
    }

    /// Add a section (mutable form).
    pub fn push(&mut self, s: Section) {
        self.sections.push(s);
    }
}
