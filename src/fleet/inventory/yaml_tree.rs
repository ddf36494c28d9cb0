//! A YAML document as a small tree with the line of every node, built
//! from saphyr-parser's events within bounds a hostile file cannot pass:
//! a node budget that aliases count against each time they are used (an
//! alias bomb is refused, not expanded) and a depth limit. `<<` merge keys
//! are honoured; more than one document is refused.

use std::collections::HashMap;
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, StrInput};

use crate::fleet::error::FleetError;

/// The most nodes a document may make, alias copies included.
pub const NODE_BUDGET: usize = 500_000;
/// The deepest nesting of sequences and mappings.
pub const MAX_DEPTH: usize = 64;

/// A YAML node and the line it starts on.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub line: usize,
}

/// What a node is (a plain `~`, `null` or nothing is `Null`).
#[derive(Debug, Clone)]
pub enum Kind {
    Null,
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// Builds the tree of the document from the parser's events.
pub struct Builder<'t> {
    parser: Parser<'t, StrInput<'t>>,
    origin: &'t Path,
    /// Anchored nodes and their sizes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes that may still be made.
    budget: usize,
}

impl<'t> Builder<'t> {
    pub fn new(text: &'t str, origin: &'t Path) -> Builder<'t> {
        Builder {
            parser: Parser::new_from_str(text),
            origin,
            anchors: HashMap::new(),
            budget: NODE_BUDGET,
        }
    }

    fn next(&mut self) -> Result<(Event<'t>, Span), FleetError> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(FleetError::at(
                self.origin,
                e.marker().line(),
                format!("not YAML: {}", e.info()),
            )),
            None => Err(FleetError::file(self.origin, "the YAML ends early")),
        }
    }

    /// The one document (none is an empty inventory).
    pub fn document(mut self) -> Result<Node, FleetError> {
        let mut root = Node {
            kind: Kind::Null,
            line: 1,
        };
        let mut documents = 0;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(root),
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(FleetError::at(
                            self.origin,
                            span.start.line(),
                            "more than one YAML document; an inventory is one",
                        ));
                    }
                    let (event, span) = self.next()?;
                    root = self.node(event, span, 0)?.0;
                }
                _ => return Err(self.error(span, "unexpected YAML event")),
            }
        }
    }

    fn error(&self, span: Span, message: impl Into<String>) -> FleetError {
        FleetError::at(self.origin, span.start.line(), message)
    }

    /// Spends `cost` nodes of the budget.
    fn spend(&mut self, cost: usize, span: Span) -> Result<(), FleetError> {
        self.budget = self.budget.checked_sub(cost).ok_or_else(|| {
            self.error(
                span,
                format!(
                    "more than {NODE_BUDGET} YAML nodes (aliases count each time they are used)"
                ),
            )
        })?;
        Ok(())
    }

    /// The node `event` starts, with its size in nodes.
    fn node(
        &mut self,
        event: Event<'t>,
        span: Span,
        depth: usize,
    ) -> Result<(Node, usize), FleetError> {
        let line = span.start.line();
        self.spend(1, span)?;
        let (kind, size, anchor) = match event {
            Event::Scalar(text, style, anchor, _) => {
                let null = style == ScalarStyle::Plain
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                let kind = if null {
                    Kind::Null
                } else {
                    Kind::Scalar(text.into_owned())
                };
                (kind, 1, anchor)
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id).cloned() else {
                    return Err(self.error(span, "an alias to no anchor"));
                };
                self.spend(size, span)?;
                return Ok((node, size));
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(span, format!("nested deeper than {MAX_DEPTH} levels")));
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let (kind, size) = self.collection(is_map, depth)?;
                (kind, size, anchor)
            }
            _ => return Err(self.error(span, "unexpected YAML event")),
        };
        let node = Node { kind, line };
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        Ok((node, size))
    }

    /// The items of a sequence or mapping, up to its end.
    fn collection(&mut self, is_map: bool, depth: usize) -> Result<(Kind, usize), FleetError> {
        let mut items: Vec<Node> = Vec::new();
        let mut size = 1;
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::SequenceEnd | Event::MappingEnd) {
                break;
            }
            let (node, n) = self.node(event, span, depth + 1)?;
            size += n;
            items.push(node);
        }
        if !is_map {
            return Ok((Kind::Seq(items), size));
        }
        let mut pairs: Vec<(Node, Node)> = Vec::with_capacity(items.len() / 2);
        let mut merged: Vec<(Node, Node)> = Vec::new();
        let mut iter = items.into_iter();
        while let (Some(key), Some(value)) = (iter.next(), iter.next()) {
            if matches!(&key.kind, Kind::Scalar(k) if k == "<<") {
                // `<<: *defaults` (or a list of them): the keys the
                // mapping does not set itself, the first source winning.
                let sources = match value.kind {
                    Kind::Seq(list) => list,
                    _ => vec![value],
                };
                for source in sources {
                    if let Kind::Map(entries) = source.kind {
                        merged.extend(entries);
                    }
                }
            } else {
                pairs.push((key, value));
            }
        }
        for (key, value) in merged {
            let taken = |k: &Node| same_key(k, &key);
            if !pairs.iter().any(|(k, _)| taken(k)) {
                pairs.push((key, value));
            }
        }
        Ok((Kind::Map(pairs), size))
    }
}

/// Whether two keys are the same scalar.
fn same_key(a: &Node, b: &Node) -> bool {
    matches!((&a.kind, &b.kind), (Kind::Scalar(x), Kind::Scalar(y)) if x == y)
}
