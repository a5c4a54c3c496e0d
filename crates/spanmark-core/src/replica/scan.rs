//! The checked decoder of Yjs v1 updates: a walk over an update's lib0 encoding before
//! yrs decodes it, so that a hostile peer's counts and client ids cannot make yrs reserve
//! gigabytes or trip its assertions.

use yrs::updates::decoder::Decode;
use yrs::Update;

use super::SyncError;

/// Decodes a v1 update after walking it once: yrs reserves memory for a count (of
/// clients, of a client's blocks) before reading what it counts, and debug-asserts that
/// client ids fit in 53 bits. Every count is checked against the bytes left (each thing
/// counted takes at least one), so that a 20-byte update cannot ask the allocator for
/// gigabytes (which a wasm module never gives back), and every client id is checked.
pub(super) fn decode_update(update: &[u8]) -> Result<Update, SyncError> {
    UpdateScan { data: update, at: 0 }.walk().map_err(SyncError::Undecodable)?;
    Update::decode_v1(update).map_err(|e| SyncError::Undecodable(e.to_string()))
}

/// A walk over a v1 update (lib0 encoding) that checks counts and client ids. Content of a
/// kind Spanmark never writes (XML, weak links, subdocuments) is refused.
struct UpdateScan<'a> {
    data: &'a [u8],
    at: usize,
}

/// Why a walk stopped: the update is refused, or it holds a kind of content Spanmark never writes.
enum Stop {
    Refuse(String),
    Unknown,
}

impl UpdateScan<'_> {
    fn walk(mut self) -> Result<(), String> {
        match self.structs().and_then(|()| self.delete_set()) {
            Ok(()) => Ok(()),
            // Spanmark writes maps, arrays, strings and plain values only.
            Err(Stop::Unknown) => Err("it holds a kind of content Spanmark does not write".to_owned()),
            Err(Stop::Refuse(why)) => Err(why),
        }
    }

    fn byte(&mut self) -> Result<u8, Stop> {
        let b = *self.data.get(self.at).ok_or_else(|| Stop::Refuse("the update ends early".to_owned()))?;
        self.at += 1;
        Ok(b)
    }

    fn var(&mut self) -> Result<u64, Stop> {
        let mut n: u64 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if b < 0x80 {
                return Ok(n);
            }
            if shift > 70 {
                return Err(Stop::Refuse("a number is too long".to_owned()));
            }
        }
    }

    /// A count of things that each take at least one byte.
    fn count(&mut self, what: &str) -> Result<u64, Stop> {
        let n = self.var()?;
        let left = (self.data.len() - self.at) as u64;
        if n > left {
            return Err(Stop::Refuse(format!("it declares {n} {what} with {left} bytes left")));
        }
        Ok(n)
    }

    fn client(&mut self) -> Result<(), Stop> {
        let id = self.var()?;
        if id >= 1 << 53 {
            return Err(Stop::Refuse(format!("client id {id} does not fit in 53 bits")));
        }
        Ok(())
    }

    fn skip(&mut self, n: u64) -> Result<(), Stop> {
        let left = (self.data.len() - self.at) as u64;
        if n > left {
            return Err(Stop::Refuse("the update ends early".to_owned()));
        }
        self.at += n as usize;
        Ok(())
    }

    /// A string or a buffer: its length, then its bytes.
    fn bytes(&mut self) -> Result<(), Stop> {
        let n = self.var()?;
        self.skip(n)
    }

    fn structs(&mut self) -> Result<(), Stop> {
        let clients = self.count("clients")?;
        for _ in 0..clients {
            let blocks = self.count("blocks")?;
            self.client()?;
            self.var()?;
            for _ in 0..blocks {
                self.block()?;
            }
        }
        Ok(())
    }

    fn block(&mut self) -> Result<(), Stop> {
        let info = self.byte()?;
        if info == 0 || info == 10 {
            // GC or skip: a length.
            self.var()?;
            return Ok(());
        }
        let (origin, right) = (info & 0x80 != 0, info & 0x40 != 0);
        if origin {
            self.client()?;
            self.var()?;
        }
        if right {
            self.client()?;
            self.var()?;
        }
        if !origin && !right {
            if self.var()? == 1 {
                self.bytes()?;
            } else {
                self.client()?;
                self.var()?;
            }
            if info & 0x20 != 0 {
                self.bytes()?;
            }
        }
        // The content's kind is in the low four bits, as yrs reads it.
        // An item of no length (yrs 0.28 divides by a block's end clock when it integrates
        // one) is never made by Yjs: refused.
        let empty = || Stop::Refuse("it holds an item of no length".to_owned());
        match info & 0x0f {
            1 => {
                if self.var()? == 0 {
                    return Err(empty());
                }
            }
            2 => {
                let n = self.count("JSON values")?;
                if n == 0 {
                    return Err(empty());
                }
                for _ in 0..n {
                    self.bytes()?;
                }
            }
            4 => {
                let n = self.var()?;
                if n == 0 {
                    return Err(empty());
                }
                self.skip(n)?;
            }
            3 | 5 => self.bytes()?,
            6 => {
                self.bytes()?;
                self.bytes()?;
            }
            7 => match self.var()? {
                3 | 5 => self.bytes()?,
                0..=6 => {}
                _ => return Err(Stop::Unknown),
            },
            8 => {
                let n = self.count("values")?;
                if n == 0 {
                    return Err(empty());
                }
                for _ in 0..n {
                    self.any(0)?;
                }
            }
            9 => {
                self.bytes()?;
                self.any(0)?;
            }
            _ => return Err(Stop::Unknown),
        }
        Ok(())
    }

    /// A lib0 `any` value.
    fn any(&mut self, depth: u32) -> Result<(), Stop> {
        if depth > 64 {
            return Err(Stop::Unknown);
        }
        match self.byte()? {
            127 | 126 | 121 | 120 => {}
            125 => {
                while self.byte()? >= 0x80 {}
            }
            124 => self.skip(4)?,
            123 | 122 => self.skip(8)?,
            119 | 116 => self.bytes()?,
            118 => {
                for _ in 0..self.count("object entries")? {
                    self.bytes()?;
                    self.any(depth + 1)?;
                }
            }
            117 => {
                for _ in 0..self.count("array items")? {
                    self.any(depth + 1)?;
                }
            }
            _ => return Err(Stop::Unknown),
        }
        Ok(())
    }

    fn delete_set(&mut self) -> Result<(), Stop> {
        let clients = self.count("clients in the delete set")?;
        for _ in 0..clients {
            self.client()?;
            for _ in 0..self.count("deleted ranges")? {
                self.var()?;
                self.var()?;
            }
        }
        Ok(())
    }
}
