package cn.tongban.core.application;

/** Where an application came in. */
public enum Channel { WINDOW, WEB, MINI_PROGRAM, KIOSK, HOTLINE }
