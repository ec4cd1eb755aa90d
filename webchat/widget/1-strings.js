// Interface texts in English and Thai; {name} marks a value filled in by fill().
var STRINGS = {
  en: {
    open: "Chat with us", title: "Bangkok Expat Assistant",
    subtitle: "Information service center for foreigners",
    placeholder: "Type your question…", send: "Send", close: "Minimise chat",
    human: "Talk to a person", end: "End chat", newChat: "Start a new chat",
    typing: "The assistant is typing", log: "Conversation", you: "You",
    bot: "Assistant", staff: "Staff", source: "Official source", reviewed: "Last reviewed",
    language: "ภาษาไทย", languageLabel: "เปลี่ยนเป็น ภาษาไทย",
    welcome: "Hello! Ask me about visas, work permits, housing, schools, investment, tax, banking, healthcare, transport, emergencies or daily life in Bangkok.",
    error: "Sorry, your message could not be sent. Please try again.",
    ended: "This chat has ended — start a new one",
    privacy: "Privacy: the Bangkok Metropolitan Administration keeps this chat to answer you and to improve the service, for up to one year. Please do not type ID card, passport or bank account numbers.",
    download: "Download my chat", erase: "Delete my chat",
    eraseConfirm: "Delete this chat and everything you wrote in it? This cannot be undone.",
    erased: "Your chat has been deleted.",
    helpfulQuestion: "Helpful?", helpful: "Helpful", notHelpful: "Not helpful",
    unread: "new messages",
    waitStaff: "Waiting for a staff member.",
    waitUsual: "It usually takes about {minutes} min; you are number {position} in the queue.",
    waitSoon: "A staff member will join as soon as possible.",
    waitEmail: "No staff member is online. Leave your e-mail address: staff will answer by e-mail{from}. The assistant keeps answering meanwhile.",
    waitRegistered: "Question {reference}: staff will answer at {email}{from}. The assistant keeps answering meanwhile.",
    from: " from {when}", emailLabel: "Your e-mail address", emailSend: "Send address",
    back: "Back to the assistant",
    notAllowed: "The chat of the Information Service Center for Foreigners is not offered on this website. Please visit the Bangkok Metropolitan Administration's website or e-mail invest@bangkok.go.th.",
  },
  th: {
    open: "แชตกับเรา", title: "ผู้ช่วยสำหรับชาวต่างชาติ กทม.",
    subtitle: "ศูนย์บริการข้อมูลสำหรับชาวต่างชาติ",
    placeholder: "พิมพ์คำถามของคุณ…", send: "ส่ง", close: "ย่อหน้าต่างแชต",
    human: "คุยกับเจ้าหน้าที่", end: "จบการสนทนา", newChat: "เริ่มแชตใหม่",
    typing: "ผู้ช่วยกำลังพิมพ์", log: "บทสนทนา", you: "คุณ",
    bot: "ผู้ช่วย", staff: "เจ้าหน้าที่", source: "แหล่งข้อมูลทางการ", reviewed: "ตรวจทานล่าสุด",
    language: "English", languageLabel: "Switch to English",
    welcome: "สวัสดีค่ะ ถามเรื่องวีซ่า ใบอนุญาตทำงาน ที่พัก โรงเรียน การลงทุน ภาษี ธนาคาร สุขภาพ การเดินทาง เหตุฉุกเฉิน หรือชีวิตประจำวันในกรุงเทพฯ ได้เลยค่ะ",
    error: "ขออภัยค่ะ ส่งข้อความไม่สำเร็จ กรุณาลองอีกครั้ง",
    ended: "การสนทนานี้สิ้นสุดแล้ว — เริ่มแชตใหม่ได้เลยค่ะ",
    privacy: "ความเป็นส่วนตัว: กรุงเทพมหานครเก็บบทสนทนานี้ไว้เพื่อตอบคำถามและพัฒนาบริการ เป็นเวลาไม่เกินหนึ่งปี กรุณาอย่าพิมพ์เลขบัตรประชาชน เลขหนังสือเดินทาง หรือเลขบัญชีธนาคาร",
    download: "ดาวน์โหลดบทสนทนา", erase: "ลบบทสนทนา",
    eraseConfirm: "ต้องการลบบทสนทนานี้และข้อความทั้งหมดที่คุณพิมพ์ใช่ไหมคะ ลบแล้วกู้คืนไม่ได้",
    erased: "ลบบทสนทนาของคุณแล้วค่ะ",
    helpfulQuestion: "ข้อมูลนี้มีประโยชน์ไหม", helpful: "มีประโยชน์", notHelpful: "ไม่มีประโยชน์",
    unread: "ข้อความใหม่",
    waitStaff: "กำลังรอเจ้าหน้าที่",
    waitUsual: "โดยปกติรอประมาณ {minutes} นาที คุณอยู่ลำดับที่ {position}",
    waitSoon: "เจ้าหน้าที่จะเข้ามาตอบโดยเร็วที่สุดค่ะ",
    waitEmail: "ขณะนี้ไม่มีเจ้าหน้าที่ออนไลน์ กรุณาฝากอีเมลไว้ เจ้าหน้าที่จะตอบทางอีเมล{from} ระหว่างนี้ผู้ช่วยอัตโนมัติยังตอบคำถามต่อได้ค่ะ",
    waitRegistered: "คำถามหมายเลข {reference} เจ้าหน้าที่จะตอบไปที่ {email}{from} ระหว่างนี้ผู้ช่วยอัตโนมัติยังตอบคำถามต่อได้ค่ะ",
    from: " ตั้งแต่ {when}", emailLabel: "อีเมลของคุณ", emailSend: "ส่งอีเมล",
    back: "กลับไปคุยกับผู้ช่วย",
    notAllowed: "เว็บไซต์นี้ไม่ได้เปิดให้บริการแชตของศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุณาเข้าเว็บไซต์ของกรุงเทพมหานคร หรือส่งอีเมลถึง invest@bangkok.go.th",
  },
};

function t(key) { return STRINGS[state.language][key]; }

// A text with its {name} marks filled in.
function fill(key, values) {
  return t(key).replace(/\{(\w+)\}/g, function (mark, name) { return values[name]; });
}
